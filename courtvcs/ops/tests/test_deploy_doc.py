"""docs/deploy.md names every environment variable settings.py reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READ = re.compile(r"""(?:os\.environ(?:\.get)?\(|os\.environ\[|env_bool\()\s*["']([A-Z][A-Z0-9_]*)["']""")


def test_the_deploy_guide_names_every_environment_variable_of_the_settings():
    variables = set(READ.findall((ROOT / "courtvcs" / "settings.py").read_text()))
    assert {"REDIS_URL", "LOG_FORMAT", "COURTVCS_METRICS_TOKEN"} <= variables
    variables.add("DATABASE_URL")  # read by dj_database_url.config()
    guide = (ROOT / "docs" / "deploy.md").read_text()
    missing = sorted(name for name in variables if f"`{name}`" not in guide)
    assert not missing, f"docs/deploy.md, Configuration: add {missing}"
