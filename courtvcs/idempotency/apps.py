from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "courtvcs.idempotency"
    default_auto_field = "django.db.models.BigAutoField"
