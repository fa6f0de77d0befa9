"""Turning a document's context into its PDF and DOCX, from templates an administrator
can change without code.

Where the templates are: the defaults ship with the app,

    courtvcs/documents/templates/documents/<kind>.<lang>.html   the PDF's HTML (Django templates)
    courtvcs/documents/docx/<kind>.<lang>.docx                  the DOCX (docxtpl, Jinja tags)
    courtvcs/documents/templates/documents/terms.<lang>.json    the words the records are told in

and a file of the same name in settings.COURTVCS_DOCUMENT_TEMPLATES_DIR (one flat
directory) is used instead of the default. Templates are read from disk at every
rendering, so a changed file takes effect with the next document, without a restart.

A variable a template names but the context lacks comes out as "[[name]]" in the
document rather than failing: the person sees it in the draft and the administrator
fixes the template. The tests check that the default templates leave none.

WeasyPrint needs Pango at import time, so it is imported only here, when a PDF is made:
the service starts without it, and a missing library answers 503 with a clear message.
"""

import functools
import io
import json
import logging
import threading
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine
from django.utils.translation import gettext as _

from courtvcs.errors import DomainError

log = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parent
HTML_DIR = APP_DIR / "templates" / "documents"
DOCX_DIR = APP_DIR / "docx"
MISSING = "[[%s]]"


class RendererUnavailable(DomainError):
    """The PDF library (WeasyPrint with Pango) cannot be loaded on this server."""

    status = 503


def override_dir() -> Path | None:
    configured = getattr(settings, "COURTVCS_DOCUMENT_TEMPLATES_DIR", "")
    return Path(configured) if configured else None


def template_file(name: str, default_dir: Path) -> Path:
    """The administrator's file of that name if there is one, else the default."""
    custom = override_dir()
    if custom is not None and (custom / name).is_file():
        return custom / name
    return default_dir / name


@functools.lru_cache(maxsize=8)
def _engine(custom: str) -> Engine:
    # Uncached loaders: an administrator's edit shows in the next document.
    dirs = ([custom] if custom else []) + [str(HTML_DIR)]
    return Engine(dirs=dirs, autoescape=True, string_if_invalid=MISSING,
                  loaders=["django.template.loaders.filesystem.Loader"])


def render_html(kind: str, language: str, context: dict) -> str:
    custom = override_dir()
    engine = _engine(str(custom) if custom else "")
    return engine.get_template(f"{kind}.{language}.html").render(Context(context))


def load_terms(language: str) -> dict:
    """The default words for `language`, with the administrator's file laid over them."""
    terms = json.loads((HTML_DIR / f"terms.{language}.json").read_text(encoding="utf-8"))
    custom = override_dir()
    if custom is not None and (custom / f"terms.{language}.json").is_file():
        overlay = json.loads((custom / f"terms.{language}.json").read_text(encoding="utf-8"))
        for key, value in overlay.items():
            if isinstance(value, dict) and isinstance(terms.get(key), dict):
                terms[key] = {**terms[key], **value}
            else:
                terms[key] = value
    return terms


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango or its libraries not found
        log.error("WeasyPrint cannot be loaded: %s", exc)
        raise RendererUnavailable(
            _("PDF documents cannot be made on this server now: the PDF library (WeasyPrint "
              "with Pango) is not installed. Ask the administrator.")) from None
    # Its progress ("Step 1 - Fetching and parsing HTML") is not worth a log line per document.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return weasyprint


_local = threading.local()
# A font configuration is kept per thread (Pango's font map is not shared across threads) and
# renewed now and then: a template's @font-face adds fonts to it.
FONT_CONFIG_USES = 200


def _font_config(weasyprint):
    """Setting up the fonts is about a third of a small document's time: reuse it."""
    uses = getattr(_local, "uses", FONT_CONFIG_USES)
    if uses >= FONT_CONFIG_USES:
        from weasyprint.text.fonts import FontConfiguration

        _local.font_config, _local.uses = FontConfiguration(), 0
    _local.uses += 1
    return _local.font_config


def render_pdf(html: str) -> bytes:
    weasyprint = _weasyprint()
    # Relative addresses in a template (a court's emblem, say) are files beside the templates.
    base = override_dir() or HTML_DIR
    return weasyprint.HTML(string=html, base_url=f"{base}/").write_pdf(font_config=_font_config(weasyprint))


def _jinja_env():
    from jinja2 import ChainableUndefined, Environment

    class Marked(ChainableUndefined):
        def __str__(self) -> str:
            return MISSING % (self._undefined_name or "?")

    return Environment(undefined=Marked, autoescape=True)


def render_docx(kind: str, language: str, context: dict) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(template_file(f"{kind}.{language}.docx", DOCX_DIR)))
    template.render(context, jinja_env=_jinja_env(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def render(kind: str, language: str, context: dict) -> tuple[bytes, bytes]:
    """The document as (PDF, DOCX) bytes."""
    pdf = render_pdf(render_html(kind, language, context))
    return pdf, render_docx(kind, language, context)
