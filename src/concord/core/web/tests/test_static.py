import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

import concord

WEB_STATIC = Path(__file__).resolve().parent.parent / "static"
SOURCE_ROOT = Path(concord.__file__).resolve().parent

SHIPPED_ASSETS = [
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "vendor/fonts/noto-sans/noto-sans-latin-400-normal.woff2",
    "vendor/fonts/noto-sans-thai/noto-sans-thai-thai-400-normal.woff2",
    "vendor/fonts/noto-sans-khmer/noto-sans-khmer-khmer-400-normal.woff2",
    "concord/concord.css",
    "concord/concord.js",
]


@pytest.mark.parametrize("asset", SHIPPED_ASSETS)
def test_static_assets_are_found_and_served(client, asset):
    assert finders.find(asset), asset
    response = client.get(f"/static/{asset}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body) > 100


def test_every_font_face_points_at_a_shipped_font():
    css = (WEB_STATIC / "concord" / "concord.css").read_text()
    urls = re.findall(r'url\("\.\./([^"]+)"\)', css)
    assert len(urls) == 9  # three scripts, three weights
    for url in urls:
        assert finders.find(url), url
    for family in ("Noto Sans", "Noto Sans Thai", "Noto Sans Khmer"):
        assert f'font-family: "{family}";' in css
    assert '"Noto Sans", "Noto Sans Thai", "Noto Sans Khmer", system-ui' in css


def test_vendored_files_carry_their_licences_and_no_source_maps():
    vendor = WEB_STATIC / "vendor"
    for folder in ("bootstrap", "htmx", "fonts/noto-sans", "fonts/noto-sans-thai", "fonts/noto-sans-khmer"):
        assert (vendor / folder / "LICENSE").is_file(), folder
    for path in vendor.rglob("*"):
        assert path.suffix != ".map", path
        if path.suffix in {".js", ".css"}:
            assert "sourceMappingURL" not in path.read_text(encoding="utf-8"), path
    assert sum(path.stat().st_size for path in vendor.rglob("*") if path.is_file()) < 1_000_000


# Attributes that make the browser fetch something: an asset served from elsewhere is a CDN dependency.
REMOTE_ASSET = re.compile(
    r"""<(?:script|link|img|source|iframe|video|audio)\b[^>]*\b(?:src|href|srcset)\s*=\s*["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def test_no_template_or_stylesheet_loads_assets_from_another_site():
    files = [*SOURCE_ROOT.rglob("templates/**/*.html"), *SOURCE_ROOT.rglob("static/concord/**/*.css")]
    # templates under tests/ are fixtures (the PDF renderer's test that remote URLs are refused), not UI
    files = [path for path in files if "tests" not in path.relative_to(SOURCE_ROOT).parts]
    assert len(files) > 5
    offenders = [str(path) for path in files if REMOTE_ASSET.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_remote_asset_check_catches_a_cdn_link():
    assert REMOTE_ASSET.search('<script src="https://cdn.example/htmx.js"></script>')
    assert REMOTE_ASSET.search("<link rel=stylesheet href=//cdn.example/b.css>")
    assert not REMOTE_ASSET.search('<a href="https://www.example.org/">a page, not an asset</a>')
