"""Schemathesis signs in as a person of the test country (SCHEMATHESIS_HOOKS names this module).

The API's security scheme is Django's session cookie; unsafe requests also need Django's
CSRF cookie and the same token in X-CSRFToken, as the pages send them. The session and
token come from the environment (COURTVCS_FUZZ_SESSIONID, COURTVCS_FUZZ_CSRFTOKEN), made
by tests/reliability/fuzzing.py for the person being fuzzed as.
"""

import os

import schemathesis


@schemathesis.auth()
class SessionCookie:
    def get(self, case, ctx):
        return {"sessionid": os.environ["COURTVCS_FUZZ_SESSIONID"],
                "csrftoken": os.environ["COURTVCS_FUZZ_CSRFTOKEN"]}

    def set(self, case, data, ctx):
        case.cookies = {**(case.cookies or {}), **data}
        case.headers = {**(case.headers or {}), "X-CSRFToken": data["csrftoken"]}
