from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "twofactor"
    verbose_name = "Two-factor sign-in"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .selectors import remember_two_factor_at_sign_in

        # Session bookkeeping only, as django-otp and django-axes do on the same signal: whether
        # the person has an app is read once per sign-in, not on every page.
        user_logged_in.connect(
            remember_two_factor_at_sign_in, dispatch_uid="twofactor.remember_at_sign_in"
        )
