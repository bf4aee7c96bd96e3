"""The trigram index finds what comparing every pair would find, in any script."""

from concord.modules.parties.similarity import SimilarNames, similar_enough
from concord.modules.parties.validation import name_key

NAMES = [
    "Golden Lotus Trading Co., Ltd.",
    "Blue Elephant Hospitality Ltd.",
    "บริษัท น้ำมันมะพร้าวสกัดเย็น สมุย จำกัด",
    "ក្រុមហ៊ុន អង្គរ ពាណិជ្ជកម្ម",
    "Andaman Seafood Export Group",
]


def _index() -> SimilarNames:
    index = SimilarNames()
    for name in NAMES:
        index.add(name_key(name), name)
    return index


def test_finds_typos_and_legal_forms_in_every_script():
    index = _index()
    assert index.find(name_key("GOLDEN LOTUS TRADNG")) == NAMES[0]
    assert index.find(name_key("น้ำมันมะพร้าวสกัดเย็นสมุ")) == NAMES[2]
    assert index.find(name_key("អង្គរ ពាណិជ្ជកម្")) == NAMES[3]


def test_does_not_call_different_names_alike():
    index = _index()
    assert index.find(name_key("Mekong River Logistics")) is None
    assert index.find(name_key("Golden Dragon Imports")) is None
    assert index.find(name_key("ab")) is None  # too short to compare


def test_agrees_with_comparing_every_pair():
    index = _index()
    probes = ["Blue Elephant Hospitalty", "Andaman Seafood Exports", "Siam Kitchenware", "สยาม"]
    for probe in probes:
        key = name_key(probe)
        brute = next((name for name in NAMES if len(key) >= 3 and similar_enough(key, name_key(name))), None)
        assert index.find(key) == brute, probe
