"""Infrastructure every Tandem app may use: mail, dates, bulk SQL, errors, HTTP helpers,
middleware, the suppression rule, admin privacy, validators and health checks.

It imports only Django and libraries, never another Tandem app.
"""
