# Dossier: the Telegram bot (`dossier serve`) with the CPU build of torch. The library lives in /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    DATA_DIR=/data

WORKDIR /app
# The CPU wheel first, from PyTorch's CPU index: an unpinned torch would pull a multi-GB CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml README.md ./
COPY index ./index
COPY bot ./bot
# The postgres extra (psycopg, 3 MB) so that the same image serves a library in PostgreSQL (DATABASE_URL).
RUN pip install ".[postgres]" \
    && useradd --create-home --uid 10001 dossier \
    && mkdir -p /data && chown dossier:dossier /data

USER dossier
VOLUME ["/data"]
# Only used in webhook mode (WEBHOOK_URL set); long polling needs no open port.
EXPOSE 8443
# The bot touches /data/.heartbeat every 30 s from its job queue; `dossier health` fails when it is 2 minutes old.
HEALTHCHECK --interval=60s --timeout=20s --start-period=120s --retries=3 CMD ["dossier", "health"]
ENTRYPOINT ["dossier"]
CMD ["serve"]
