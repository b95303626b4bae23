# NextSteps: the bot in a slim Python 3.11 image, run as an unprivileged user.
#   docker compose up -d --build              # compose.yaml: PostgreSQL, bot1, bot2 (= nextsteps run), Caddy
#   docker compose run --rm bot1 migrate       # any other verb: nextsteps migrate, schedule, ...
#   docker compose exec bot1 nextsteps backup --out /tmp/nextsteps.dump   # see the README
# Settings come from NEXTSTEPS_* variables (compose.yaml sets them from .env) or a config.toml
# mounted at /app/config.toml.
# Bookworm is named so that the PostgreSQL client below comes from a repository built for it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# pg_dump and pg_restore for `nextsteps backup|restore`, of the server's major version (16):
# Debian's own client is 15, and pg_dump refuses a newer server. PGDG's key ships in postgresql-common.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-16 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 nextsteps \
    && useradd --system --uid 10001 --gid nextsteps --create-home --home-dir /home/nextsteps \
       --shell /usr/sbin/nologin nextsteps

# Only what the package needs (see .dockerignore); the source is installed, then removed.
# The project itself is installed: its dependencies' bounds are in pyproject.toml.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY core ./core
COPY storage ./storage
# hadolint ignore=DL3013
RUN pip install ".[postgres]" && rm -rf /src

# The working directory holds an optional config.toml and, with the default SQLite URL, the database.
WORKDIR /app
RUN chown nextsteps:nextsteps /app
USER 10001:10001

# /healthz, /readyz and /metrics are served on this port in polling mode too; in webhook mode
# (NEXTSTEPS_WEBHOOK__URL set) the webhook path as well. Set NEXTSTEPS_WEBHOOK__LISTEN=0.0.0.0
# when a proxy in another container forwards to it (compose.yaml does).
ENV NEXTSTEPS_WEBHOOK__PORT=8080 \
    MPLCONFIGDIR=/tmp/matplotlib
EXPOSE 8080

# No curl in the slim image: Python asks /healthz (exit 1 on any error or a status other than 200).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('NEXTSTEPS_WEBHOOK__PORT') or '8080'; sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status == 200 else 1)"]

ENTRYPOINT ["nextsteps"]
CMD ["run"]
