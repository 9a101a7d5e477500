"""twitter-text, imported without pkg_resources.

twitter-text reads its emoji list (a file in its own package) with pkg_resources, whose import
alone scans every installed distribution: 0.2 s, half of twitter-text's import and a seventh of
the 1.5 s a cold `validate` of 1,000 scenarios has, paid by every process that checks a
scenario. While twitter-text is imported it is handed a stand-in for that one call, reading the
same file itself; the stand-in is gone again afterwards, so anything that
imports pkg_resources later gets the real one.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

_stand_in = None
if "pkg_resources" not in sys.modules:
    _stand_in = types.ModuleType("pkg_resources")
    # as pkg_resources reads it: the file beside the module (being imported, so in sys.modules)
    _stand_in.resource_string = lambda module, name: Path(sys.modules[module].__file__).with_name(name).read_bytes()
    sys.modules["pkg_resources"] = _stand_in
try:
    from twitter_text import parse_tweet
    from twitter_text.regexp.valid_cctld import valid_cctld
    from twitter_text.regexp.valid_gtld import valid_gtld
finally:
    if _stand_in is not None and sys.modules.get("pkg_resources") is _stand_in:
        del sys.modules["pkg_resources"]

__all__ = ["parse_tweet", "valid_cctld", "valid_gtld"]
