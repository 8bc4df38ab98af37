"""`python -m tests.sso.saml_idp`: runs the test IdP (see idp.py)."""

from tests.sso.saml_idp.idp import main

main()
