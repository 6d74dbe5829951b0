"""``python -m bot`` runs the Telegram bot, like ``dossier serve``."""

import sys

from bot.cli import serve_main

sys.exit(serve_main())
