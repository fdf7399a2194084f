# Logis API image: `docker compose up` runs it against PostgreSQL (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin logis
# pango and a font: WeasyPrint prints the legality report and the procès-verbal as PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# The application's exact versions, checked against their hashes (`make lock` writes
# them); a layer of its own, rebuilt only when the lock changes.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY commands ./commands
COPY projections ./projections
COPY infra ./infra
COPY api ./api
RUN pip install --no-deps . \
    && mkdir -p /app/var \
    && chown logis:logis /app/var

USER logis
EXPOSE 8000
CMD ["logis", "serve", "--host", "0.0.0.0", "--port", "8000"]
