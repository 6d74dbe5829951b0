"""Adding URLs against a real local web server; the safety rules of the fetcher."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable

import pytest
from support import LocalSite, Route, article_html

from index import EmptyText, FetchError, InvalidSource, Library, RefusedAddress, TooLarge, UnsupportedType, is_url
from index.fetch import LOOK_UPS, SafeFetcher

PARAGRAPHS = [
    "Ukrainian forces destroyed a pontoon bridge near Kherson overnight, the southern command said on Sunday.",
    "The command said 14 armoured vehicles were also hit as Russian units tried to cross the river under fire.",
]

# What a web server shows for a folder of files: names, dates, sizes and a banner, no sentence.
_DIRECTORY_LISTING = (
    "<html><head><title>Index of /reports</title></head><body><h1>Index of /reports</h1><table>"
    + "".join(
        f'<tr><td><a href="r{i}.pdf">flood-damage-assessment-report-{i}.pdf</a></td><td>2024-09-{i + 1:02d} 10:00'
        f"</td><td>1.{i}M</td></tr>"
        for i in range(30)
    )
    + "</table><address>Apache/2.4.41 (Ubuntu) Server at example.org Port 80</address></body></html>"
).encode()


@pytest.fixture
def web_library(make_library: Callable[..., Library]) -> Library:
    return make_library(fetch_allow_hosts="127.0.0.1", fetch_max_bytes=200_000)


def test_add_url_extracts_article_and_metadata(web_library: Library, site: LocalSite) -> None:
    site.routes["/news/kherson"] = Route(body=article_html("Bridge destroyed near Kherson", PARAGRAPHS))
    result = web_library.add_url(site.url("/news/kherson?utm_source=tg"))
    assert not result.duplicate
    info = result.article
    assert (info.title, info.source, info.published) == ("Bridge destroyed near Kherson", "Example Times", "2024-02-03")
    answer = web_library.ask("how many armoured vehicles were hit near Kherson?")
    assert "14 armoured vehicles" in answer.citations[0].quote
    assert answer.citations[0].url.startswith(site.url("/news/kherson"))
    again = web_library.add_url(site.url("/news/kherson?utm_campaign=x#comments"))
    assert again.duplicate and again.article.id == info.id
    assert site.requests == ["/news/kherson?utm_source=tg"], "a known URL is not fetched again"


def test_gzip_plain_text_and_redirects_within_allowed_hosts(web_library: Library, site: LocalSite) -> None:
    site.routes["/old"] = Route(status=301, headers={"Location": "/plain"})
    site.routes["/plain"] = Route(
        body=("Shelling hits Kharkiv\n\n" + " ".join(PARAGRAPHS)).encode(),
        content_type="text/plain; charset=utf-8",
        gzip=True,
    )
    info = web_library.add_url(site.url("/old")).article
    assert info.title == "Shelling hits Kharkiv"
    assert info.url == site.url("/plain")


def test_loopback_name_not_allow_listed_is_refused(web_library: Library, site: LocalSite) -> None:
    site.routes["/a"] = Route(body=article_html("x", PARAGRAPHS))
    with pytest.raises(RefusedAddress, match=r"localhost resolves to a loopback address") as info:
        web_library.add_url(site.url("/a", host="localhost"))
    assert "127.0.0.1" not in str(info.value), "the refusal does not reveal the address"
    assert site.requests == []


def test_redirect_to_private_address_is_refused_before_connecting(web_library: Library, site: LocalSite) -> None:
    site.routes["/go"] = Route(status=302, headers={"Location": "http://10.0.0.1/admin"})
    site.routes["/meta"] = Route(status=307, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(RefusedAddress, match="a private address"):
        web_library.add_url(site.url("/go"))
    with pytest.raises(RefusedAddress, match="cloud metadata"):
        web_library.add_url(site.url("/meta"))
    assert web_library.count() == 0


def test_too_many_redirects(web_library: Library, site: LocalSite) -> None:
    for i in range(5):
        site.routes[f"/r{i}"] = Route(status=302, headers={"Location": f"/r{i + 1}"})
    with pytest.raises(FetchError, match="too many redirects"):
        web_library.add_url(site.url("/r0"))


_STORY = article_html("Bridge opens", ["The council said on Monday that the new bridge would open next spring. " * 8])


def test_odd_but_whole_bodies_are_read(web_library: Library, site: LocalSite) -> None:
    """A gzip body of two members (``cat a.gz b.gz``) is read whole; a charset Python cannot decode with (a bare
    UnicodeError: "undefined") is read from the bytes."""
    first, second = (
        b"<html><body><article><h1>Bridge opens</h1><p>" + b"The council said. " * 20,
        b"</p><p>" + (b"Tolls will be 2 euros, the mayor said. " * 5) + b"</p></article></body></html>",
    )
    site.routes["/two"] = Route(body=gzip.compress(first) + gzip.compress(second), headers={"Content-Encoding": "gzip"})
    added = web_library.add_url(site.url("/two"))
    assert "Tolls will be 2 euros" in web_library.get(added.article.id).text
    site.routes["/undefined"] = Route(
        body=_STORY.replace(b"Bridge", b"Pier"), content_type="text/html; charset=undefined"
    )
    assert "Pier opens" in web_library.get(web_library.add_url(site.url("/undefined")).article.id).text
    wide = _STORY.decode().replace("Bridge", "Quay").encode("utf-16")
    site.routes["/wide"] = Route(body=wide, content_type="text/html; charset=utf-16")
    assert "Quay opens" in web_library.get(web_library.add_url(site.url("/wide")).article.id).text
    # A UTF-8 page declared UTF-16 (no byte-order mark, no NUL byte) is read from its bytes, not as UTF-16 nonsense.
    lying = _STORY.replace(b"Bridge", b"Dock") + b" " * (len(_STORY) % 2)
    site.routes["/lying"] = Route(body=lying, content_type="text/html; charset=utf-16")
    assert "Dock opens" in web_library.get(web_library.add_url(site.url("/lying")).article.id).text
    # The header's charset is how the page is read: not as trafilatura guesses it ("Grčve" for "Grève"), nor as a
    # wrong declaration would have it (a UTF-8 page declared latin-1 is read from its bytes' own meta tag).
    french = article_html(
        "Grève des écoles", ["Le maire a déclaré que 15 écoles étaient fermées après la tempête. " * 6]
    )
    site.routes["/latin1"] = Route(
        body=french.decode().encode("iso-8859-1"), content_type="text/html; charset=iso-8859-1"
    )
    stored = web_library.get(web_library.add_url(site.url("/latin1")).article.id)
    assert stored.info.title == "Grève des écoles" and "après la tempête" in stored.text, stored.text[:200]
    site.routes["/cp1252"] = Route(
        body=french.replace(b"15", b"16")
        .replace("Grève".encode(), "Grève – jour 2".encode())
        .decode()
        .encode("cp1252"),
        content_type="text/html; charset=ISO-8859-1",
    )
    assert web_library.add_url(site.url("/cp1252")).article.title == "Grève – jour 2 des écoles"
    # A byte-order mark wins over the header, as in browsers; a body of valid UTF-8 is UTF-8 under any single-byte
    # declaration (a server's default); an alias of latin-1 is Windows-1252 too.
    served = {
        "/bom": (b"\xef\xbb\xbf" + french.replace(b"15", b"17"), "iso-8859-1"),
        "/utf8": (french.replace(b"15", b"18"), "ISO-8859-1"),
        "/alias": (french.replace(b"15", b"19").decode().replace("Grève", "Grève “totale”").encode("cp1252"), "cp819"),
    }
    for path, (body, charset) in served.items():
        site.routes[path] = Route(body=body, content_type=f"text/html; charset={charset}")
        title = web_library.add_url(site.url(path)).article.title
        assert title.startswith("Grève") and "Ã" not in title, (path, title)
    assert web_library.add_url(site.url("/alias")).article.title == "Grève “totale” des écoles"
    # A codec that is no text encoding (a hostile or broken header) is read from the bytes: it raised LookupError.
    for n, bogus in enumerate(("base64", "bz2", "rot13")):
        site.routes[f"/bogus{n}"] = Route(
            body=_STORY.replace(b"Bridge", f"Ferry {n}".encode()), content_type=f"text/html; charset={bogus}"
        )
        assert web_library.add_url(site.url(f"/bogus{n}")).article.title == f"Ferry {n} opens"
    russian = article_html(
        "Мост закрыт", ["Мэр сообщил, что мост через реку будет закрыт до сентября из-за ремонта. " * 6]
    )
    site.routes["/ru"] = Route(body=russian, content_type="text/html; charset=windows-1251")
    assert web_library.add_url(site.url("/ru")).article.title == "Мост закрыт"


@pytest.mark.parametrize(
    ("route", "error", "message"),
    [
        (
            Route(body=b"%PDF-1.4", content_type="application/pdf"),
            UnsupportedType,
            "not an HTML or text page; download it and add the file",
        ),
        (Route(body=b"<html>" + b"x" * 300_000 + b"</html>"), TooLarge, "limit of 200,000 bytes"),
        (Route(body=b"<html><body>" + b"a" * 3_000_000 + b"</body></html>", gzip=True), TooLarge, "limit"),
        (Route(status=404, body=b"gone", content_type="text/plain"), FetchError, "HTTP 404"),
        (Route(body=b"<html><body><nav>Home</nav></body></html>"), Exception, "no article text"),
        (Route(body=_DIRECTORY_LISTING), EmptyText, "reads as a list of links, files or figures"),
        # A server that stops short of its Content-Length: the part is not an article (nor, by its URL, a duplicate).
        (
            Route(body=_STORY[:900], length=len(_STORY)),
            FetchError,
            f"closed the connection after 900 of its {len(_STORY):,}",
        ),
        (Route(body=gzip.compress(_STORY)[:300], headers={"Content-Encoding": "gzip"}), FetchError, "ends early"),
        (
            Route(status=302, headers={"Location": "http://[::1"}),
            FetchError,
            r"redirected to an invalid address: http://\[::1$",
        ),
        (Route(status=599, body=b"x"), FetchError, "HTTP 599"),
    ],
)
def test_bad_pages_give_one_line_errors(
    web_library: Library, site: LocalSite, route: Route, error: type[Exception], message: str
) -> None:
    site.routes["/bad"] = route
    with pytest.raises(error, match=message) as info:
        web_library.add_url(site.url("/bad"))
    assert "\n" not in str(info.value)
    assert web_library.count() == 0


@pytest.mark.parametrize(
    ("title", "paragraphs", "quoted"),
    [
        (  # no spaces between words
            "洪水造成十二人死亡",
            [
                "据当地官员周日报道，洪水造成至少十二人死亡，数百人被迫撤离家园，救援工作仍在进行。",
                "气象部门警告说，未来几天该地区还将有强降雨。",
            ],
            "洪水造成至少十二人死亡",
        ),
        (  # vowel signs are marks, not letters: a word of them still counts
            "बाढ़ से बारह लोगों की मौत",
            [
                "स्थानीय अधिकारियों ने रविवार को बताया कि बाढ़ से कम से कम बारह लोगों की मौत हो गई है।",
                "मौसम विभाग ने भारी बारिश की चेतावनी दी है।",
            ],
            "बारह लोगों की मौत हो गई है",
        ),
    ],
)
def test_pages_of_running_text_in_other_scripts_are_articles(
    web_library: Library, site: LocalSite, title: str, paragraphs: list[str], quoted: str
) -> None:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"
    site.routes["/page"] = Route(body=html.encode())
    info = web_library.add_url(site.url("/page")).article
    assert quoted in web_library.get(info.id).text


def test_unreachable_host_and_unresolvable_name() -> None:
    fetcher = SafeFetcher(timeout=3, allow_hosts=["127.0.0.1"])
    with pytest.raises(FetchError, match=r"cannot reach 127\.0\.0\.1"):
        fetcher.fetch("http://127.0.0.1:9/")  # discard port: nothing listens
    with pytest.raises(FetchError, match="cannot resolve"):
        fetcher.fetch("http://no-such-host.invalid/")
    # A link with words after it, given as one address: refused in one line before any connection.
    with pytest.raises(InvalidSource, match=r"^a URL cannot hold spaces or control characters: http://127\.0"):
        fetcher.fetch("http://127.0.0.1:9/a is this accurate?")
    assert not is_url("http://127.0.0.1:9/a is this accurate?") and is_url(" https://example.com/a?b=c ")


def test_a_silent_name_server_ends_the_fetch_at_its_timeout(site: LocalSite) -> None:
    """A DNS server that never answers holds the system's look-up for its own retries: the fetch gives up at
    FETCH_TIMEOUT with one line (the look-up is left to finish in the background). A slow look-up that does
    answer uses up part of the same time, and the page still comes."""
    release = threading.Event()

    def silent(host: str, port: int) -> list[str]:
        release.wait(60)
        raise OSError("no answer")

    fetcher = SafeFetcher(timeout=0.5, resolver=silent)
    try:
        with pytest.raises(FetchError, match=r"^timed out after 0\.5 s fetching http://news\.example/story$"):
            fetcher.fetch("http://news.example/story")
        fetcher.timeout = 0.05
        for n in range(LOOK_UPS + 4):  # the look-ups that never end are not piled up past LOOK_UPS threads
            with pytest.raises(FetchError, match=r"^timed out after 0\.05 s fetching"):
                fetcher.fetch(f"http://news{n}.example/story")
        assert sum(t.name == "dossier-resolve" for t in threading.enumerate()) <= LOOK_UPS
    finally:
        release.set()

    def slow(host: str, port: int) -> list[str]:
        time.sleep(0.2)
        return ["127.0.0.1"]

    site.routes["/story"] = Route(body=article_html("Flood waters recede", ["The river fell a metre overnight."] * 5))
    page = SafeFetcher(timeout=5, resolver=slow, allow_hosts=["news.example"]).fetch(site.url("/story", "news.example"))
    assert b"Flood waters recede" in page.body


def test_address_rules() -> None:
    fetcher = SafeFetcher(allow_hosts=["10.1.0.0/16"])
    for url, reason in [
        ("http://127.0.0.1/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://192.168.1.5/", "private"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://224.0.0.1/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://100.64.1.1/", "non-public"),
        ("http://[fe80::1]/", "link-local"),
    ]:
        with pytest.raises(RefusedAddress, match=reason):
            fetcher.check_url(url)
    assert fetcher.check_url("http://10.1.2.3:8080/x")[3] == "10.1.2.3"


def test_progress_stages_of_a_url_add(web_library: Library, site: LocalSite) -> None:
    from index import Progress

    long_text = [f"Paragraph {i}: " + " ".join(PARAGRAPHS) for i in range(12)]
    site.routes["/long"] = Route(body=article_html("A long report from Kherson", long_text))
    events: list[Progress] = []
    result = web_library.add_url(site.url("/long"), progress=events.append)
    stages = [e.stage for e in events]
    assert stages[:2] == ["fetching", "extracting"] and stages[-1] == "stored"
    embedding = [e for e in events if e.stage == "embedding"]
    assert embedding and embedding[-1].done == embedding[-1].total == result.article.passages > 1
    assert events[-1].passages == result.article.passages
