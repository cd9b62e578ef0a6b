from django.apps import AppConfig


class ReadModelConfig(AppConfig):
    name = "readmodel"
    verbose_name = "Read model"
