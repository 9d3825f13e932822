"""Reading the portal's own pages in tests: routes in the URLconf, links and forms in HTML.

Used by the hostile-input test to reach every page with real ids and to post
every form back as a browser would.
"""

from dataclasses import astuple, dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404


@dataclass(frozen=True)
class Route:
    """One URLPattern: its full route as ``ResolverMatch.route`` spells it, and its converters."""

    route: str
    converters: tuple  # (name, converter class name), in the order they appear
    is_regex: bool


def routes():
    """Every URLPattern the URLconf defines, with its namespaced route string."""
    return list(_walk(get_resolver(), ""))


def _walk(resolver, prefix):
    for pattern in resolver.url_patterns:
        # Joined as django.urls.URLResolver._join_route does, so keys match resolve().
        own = str(pattern.pattern)
        route = prefix + own.removeprefix("^") if prefix else own
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, route)
        elif isinstance(pattern, URLPattern):
            converters = tuple(
                (name, type(converter).__name__)
                for name, converter in getattr(pattern.pattern, "converters", {}).items()
            )
            yield Route(route, converters, is_regex=not hasattr(pattern.pattern, "_route"))


def route_of(url):
    """The route string that serves ``url`` (a path, with or without a query), or None."""
    path = urlsplit(url).path
    try:
        return resolve(path).route
    except Resolver404:
        return None


@dataclass
class Field:
    name: str
    kind: str  # the input's type, "select", "textarea" or "button"
    value: str = ""
    options: list = field(default_factory=list)  # a select's values
    checked: bool = False
    maxlength: int | None = None


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    fields: list = field(default_factory=list)

    def data(self):
        """What a browser would send untouched: each field's own value, or a plausible one."""
        data, seen_radios = {}, set()
        for name, kind, value, options, checked, _maxlength in map(astuple, self.fields):
            if kind in {"submit", "button", "image", "reset"}:
                continue  # the first named button is added by ``with_button``
            if kind == "file":
                continue
            if kind == "checkbox":
                if checked:
                    data.setdefault(name, []).append(value or "on")
                continue
            if kind == "radio":
                if checked or (name not in seen_radios and name not in data):
                    data[name] = [value]
                seen_radios.add(name)
                continue
            if kind == "select" and not checked and options:
                value = options[0]  # what a browser sends when nothing is selected
            if not value:
                # Empty text stays empty, as a browser sends it: the field may be optional.
                value = PLAUSIBLE.get(kind, "")
            data.setdefault(name, []).append(value)
        for button in self.fields:
            if button.kind in {"submit", "button"}:
                data.setdefault(button.name, [button.value])
                break
        return data

    def names(self):
        """The names a person can change (not the CSRF token)."""
        names = []
        for each in self.fields:
            if each.name != "csrfmiddlewaretoken" and each.name not in names:
                names.append(each.name)
        return names

    def field(self, name):
        return next(each for each in self.fields if each.name == name)


PLAUSIBLE = {
    "email": "someone@example.org",
    "date": "2027-03-01",
    "datetime-local": "2027-03-01T12:00",
    "time": "12:00",
    "number": "5",
    "url": "https://example.org/",
    "tel": "0121 303 1111",
    "password": "a-long-enough-passphrase-2026",
}


class PageParser(HTMLParser):
    """Collects the links and forms of one page; ``base`` is the page's own URL."""

    def __init__(self, base):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.links = []
        self.forms = []
        self._form = None
        self._select = None  # [name, options, selected, multiple]
        self._textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.base, a["href"]))
        elif tag == "form":
            action = urljoin(self.base, a.get("action") or self.base)
            self._form = Form(
                method=(a.get("method") or "get").lower(),
                action=action,
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            maxlength = a.get("maxlength")
            self._form.fields.append(
                Field(
                    a["name"],
                    kind,
                    a.get("value") or "",
                    checked="checked" in a,
                    maxlength=int(maxlength) if (maxlength or "").isdigit() else None,
                )
            )
        elif tag == "button" and a.get("name"):
            kind = (a.get("type") or "submit").lower()
            self._form.fields.append(Field(a["name"], kind, a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], [], [], "multiple" in a]
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[1].append(value)
            if "selected" in a:
                self._select[2].append(value)
        elif tag == "textarea" and a.get("name"):
            maxlength = a.get("maxlength") or ""
            self._textarea = [a["name"], "", int(maxlength) if maxlength.isdigit() else None]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected, multiple = self._select
            for value in selected or [""]:
                self._form.fields.append(Field(name, "select", value, options, bool(selected)))
                if not multiple:
                    break
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text, maxlength = self._textarea
            self._form.fields.append(Field(name, "textarea", text.strip("\n"), maxlength=maxlength))
            self._textarea = None


def parse(base, html):
    parser = PageParser(base)
    parser.feed(html)
    return parser
