"""Dossier's Telegram layer: handlers, rendering and rights over the engine's facade (``index.Library``)."""
