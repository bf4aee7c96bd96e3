"""Rendering bodies safely, and the features search compares (words, Thai/Khmer 3-grams)."""

from __future__ import annotations

from concord.modules.knowledge.text import body_html, body_plain, detect_language, features


def test_a_script_in_a_body_is_never_rendered_raw():
    html = body_html(
        'Hello <script>alert("x")</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))'
    )
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_simple_formatting_becomes_html():
    html = body_html(
        "# Returns\n\nSend it **back** within *30 days*.\n\n- Pack it\n- Label it\n\n"
        "1. One\n2. Two\n\nSee [our policy](https://example.com/p) or `RMA`."
    )
    assert "<h2>Returns</h2>" in html
    assert "<strong>back</strong>" in html
    assert "<em>30 days</em>" in html
    assert "<ul><li>Pack it</li><li>Label it</li></ul>" in html
    assert "<ol><li>One</li><li>Two</li></ol>" in html
    assert 'href="https://example.com/p"' in html
    assert "<code>RMA</code>" in html
    assert body_plain("**Bold** and [a link](https://x.example)") == "Bold and a link"


def test_features_cut_thai_and_khmer_into_trigrams_and_english_into_words():
    assert features("Tracking your orders") == ["track", "order"]
    thai = features("สถานะคำสั่งซื้อ")
    assert set(thai) <= set(features("ติดตามสถานะคำสั่งซื้อ"))
    assert all(len(gram) == 3 for gram in thai)
    assert set(features("ស្ថានភាពការបញ្ជាទិញ")) <= set(features("តាមដានស្ថានភាពការបញ្ជាទិញ"))
    assert detect_language("สถานะคำสั่งซื้อ") == "th"
    assert detect_language("ការបញ្ជាទិញ") == "km"
    assert detect_language("order status") == "en"
    assert detect_language("  ") is None
