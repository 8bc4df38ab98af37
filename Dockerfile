FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=mentorship_site.settings.production
WORKDIR /app
# SAML sign-in (pysaml2) signs and verifies XML with xmlsec1.
RUN apt-get update && apt-get install -y --no-install-recommends xmlsec1 \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs settings that import cleanly; these values exist only at build time.
RUN SECRET_KEY=build-only-$(python -c 'import secrets;print(secrets.token_urlsafe(64))') \
    ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    SITE_URL=https://build CACHE_URL=redis://build:6379/1 \
    CELERY_BROKER_URL=redis://build:6379/0 EMAIL_URL=smtp://build:25 \
    python manage.py collectstatic --noinput
RUN useradd --create-home tandem && chown -R tandem /app
USER tandem
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "mentorship_site.wsgi:application"]
