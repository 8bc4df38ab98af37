"""No models of its own: the authenticator app is django-otp's `TOTPDevice` and the recovery
codes are django-otp's `StaticDevice` with its `StaticToken`s (one device of each per person)."""
