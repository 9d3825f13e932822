"""What every Atom feed of the portal shares."""

import re

# XML 1.0 cannot carry these control characters; Django refuses to write them.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_safe(text):
    """``text`` without the control characters XML 1.0 cannot carry."""
    return NOT_IN_XML.sub("", text)
