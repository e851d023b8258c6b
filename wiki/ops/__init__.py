"""Running Essaim in production: gunicorn, health and readiness probes, metrics, JSON logs."""
