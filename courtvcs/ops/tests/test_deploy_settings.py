"""The settings of a production deployment behind TLS pass Django's deployment check, and
every answer carries the security headers (docs/deploy.md, "HTTPS and headers")."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def production_env(tmp_path, **more) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURTVCS_", "DJANGO_"))}
    return {**env, "COURTVCS_VAR_DIR": str(tmp_path), "COURTVCS_HTTPS": "1", "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "vcs.example.kz",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", **more}


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    run = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                         cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "WARNINGS" not in run.stdout + run.stderr


def test_the_embedded_run_fails_the_deploy_check():
    # Its development key and plain HTTP are what the check is there to catch.
    run = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                         cwd=ROOT, env={k: v for k, v in os.environ.items() if k != "COURTVCS_HTTPS"},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "security.W012" in run.stderr  # the session cookie is not secure-only


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


@pytest.mark.django_db
def test_the_embedded_runs_pages_carry_the_security_headers():
    response = Client().get("/signin/")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"  # see settings.py: not no-referrer
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response  # plain HTTP on localhost
    csp = csp_directives(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] + csp["style-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    # The page's scripts carry the nonce the header allows, a new one on every answer.
    nonce = next(v for v in csp["script-src"] if v.startswith("'nonce-"))[len("'nonce-"):-1]
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert any(f'nonce="{nonce}"' in s for s in scripts)  # htmx's
    inline = [s for s in scripts if "src=" not in s and "application/json" not in s]
    assert all(f'nonce="{nonce}"' in s for s in inline)
    assert csp_directives(Client().get("/signin/"))["script-src"] != csp["script-src"]


def test_answers_that_are_not_pages_carry_the_headers_too():
    response = Client().get("/healthz")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]


def test_a_page_may_open_websockets_to_its_own_host_and_to_the_janus_pool(settings):
    settings.ALLOWED_HOSTS = ["vcs.example.kz"]
    settings.COURTVCS_JANUS_SERVERS = [{"name": "janus-1", "ws": "wss://{host}/janus-ws/"},
                                       {"name": "janus-2", "ws": "wss://janus-2.example.kz:8989/"}]
    connect = csp_directives(Client().get("/healthz", HTTP_HOST="vcs.example.kz:8443"))["connect-src"]
    assert connect == ["'self'", "ws://vcs.example.kz:8443", "wss://vcs.example.kz", "wss://janus-2.example.kz:8989"]
    secure = csp_directives(Client().get("/healthz", HTTP_HOST="vcs.example.kz", secure=True))["connect-src"]
    assert "wss://vcs.example.kz" in secure and "ws://vcs.example.kz" not in secure


# Run in a process of its own: COURTVCS_HTTPS is read when the settings load.
BEHIND_TLS = """
import json, django
django.setup()
from django.test import Client
c = Client(HTTP_HOST="vcs.example.kz")
out = {}
for path in ("/signin/", "/healthz", "/readyz", "/metrics"):
    r = c.get(path)
    out[path] = [r.status_code, r.get("Location", "")]
r = c.get("/healthz", HTTP_X_FORWARDED_PROTO="https")
out["hsts"] = r.get("Strict-Transport-Security", "")
out["https_signin"] = c.get("/signin/", HTTP_X_FORWARDED_PROTO="https").status_code
print(json.dumps(out))
"""


def test_behind_tls_plain_http_is_redirected_except_the_probes_and_hsts_is_sent(tmp_path):
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="courtvcs.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    run = subprocess.run([sys.executable, "-c", BEHIND_TLS], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["/signin/"] == [301, "https://vcs.example.kz/signin/"]
    for probe in ("/healthz", "/readyz", "/metrics"):
        assert out[probe][0] != 301, probe  # the load balancer probes over plain HTTP
    assert out["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert out["https_signin"] == 200
