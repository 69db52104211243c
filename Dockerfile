FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends gettext fonts-dejavu-core libcairo2 curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DJANGO_SECRET_KEY=build-only-build-only-build-only-build-only-build-only-x REDIS_URL=redis://build:6379/1 \
    DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --noinput
RUN useradd --create-home app && mkdir -p /app/media && chown app /app/media && chown -R app /app/staticfiles
USER app
EXPOSE 8000
CMD ["gunicorn", "pdplatform.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
