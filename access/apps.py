from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from access.authentication import clear_account_failures, count_login_failure

        user_login_failed.connect(count_login_failure, dispatch_uid="access-count-failure")
        user_logged_in.connect(clear_account_failures, dispatch_uid="access-clear-failures")
