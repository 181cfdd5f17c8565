from django.apps import AppConfig


class ValueCodesConfig(AppConfig):
    name = "valuecodes"
    verbose_name = "Value Code libraries"
