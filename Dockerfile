# The portal's image: web (gunicorn), Celery worker and Celery beat all run it,
# with different commands (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# WeasyPrint draws progress-report PDFs with Pango; Liberation Sans is the
# report's typeface (metrically Arial, as the council's own reports).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a change to the code alone does not reinstall them.
# They are read from pyproject.toml with tomllib, as bin/_setup.sh does.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

RUN groupadd --system --gid 1000 portal \
 && useradd --system --uid 1000 --gid portal --home-dir /app --no-create-home portal

COPY . .

# Hashed, compressed static files, served by WhiteNoise. Settings need a key
# and hosts to load; these values are used for this step only.
RUN DEBUG=false STATIC_MANIFEST=true ALLOWED_HOSTS=localhost \
    SECRET_KEY=collectstatic-only-not-used-at-run-time-0123456789abcdefghij \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/media /app/tmp/mail /var/lib/celery/beat \
 && chown -R portal:portal /app/media /app/tmp /var/lib/celery

USER portal

EXPOSE 8000
# Binding, workers and request limits are in gunicorn.conf.py.
CMD ["gunicorn", "portal.wsgi:application"]
