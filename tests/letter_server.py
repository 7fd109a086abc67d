"""A local web server (127.0.0.1, a thread) that serves letters the way a website does: an
HTML letter, a PDF letter, a 404, a slow page, an oversized page, a login page and a redirect.
It records every path requested, so a test can prove nothing was fetched."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fpdf import FPDF

HTML_LETTER = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Afvalstoffenheffing 2025 | VNG</title></head>
<body><nav>Home · Nieuws · Ledenbrieven</nav>
<article>
<h1>Nieuwe normering afvalstoffenheffing 2025</h1>
<p>Lbr. 24/070</p>
<p>Datum: 12 november 2024</p>
<p>Geachte leden van college en raad,</p>
<p>Met deze ledenbrief informeren wij u over de nieuwe normering van de afvalstoffenheffing die per
1 januari 2025 ingaat. Gemeenten mogen de kosten van het inzamelen van grof huishoudelijk afval
voortaan volledig doorberekenen in de afvalstoffenheffing, mits de tarieven kostendekkend en niet
hoger dan de werkelijke kosten zijn.</p>
<p>De VNG heeft met het ministerie afgesproken dat gemeenten tot 1 juli 2025 de tijd krijgen om hun
verordening op de afvalstoffenheffing aan te passen. Een modelverordening volgt in december. Wij
raden u aan de kostenonderbouwing van de heffing nu al te actualiseren, zodat de raad tijdig kan besluiten.</p>
<p>Met vriendelijke groet, Vereniging van Nederlandse Gemeenten</p>
</article><footer>Cookies · Privacy</footer></body></html>
"""

PDF_PARAGRAPHS = [
    "Lbr. 24/071",
    "Datum: 20 november 2024",
    "Onderwerp: Subsidieregeling zwerfkattenopvang",
    "Geachte leden van college en raad,",
    "Het Rijk stelt vanaf 2025 jaarlijks tien miljoen euro beschikbaar voor de opvang en sterilisatie van "
    "zwerfkatten. Gemeenten kunnen de subsidie aanvragen via de Rijksdienst voor Ondernemend Nederland, "
    "samen met een erkende dierenopvang in de regio.",
    "De aanvraagperiode loopt van 1 maart tot en met 30 april 2025. De VNG ondersteunt gemeenten met een "
    "voorbeeldconvenant tussen gemeente en dierenopvang, dat in januari verschijnt.",
    "Met vriendelijke groet, Vereniging van Nederlandse Gemeenten",
]

LOGIN_PAGE = """<!DOCTYPE html><html><head><title>Inloggen</title></head><body><h1>Inloggen</h1>
<form><p>Log in met uw VNG-account om de ledenbrieven te lezen die alleen voor leden beschikbaar zijn
op dit besloten deel van de website van de vereniging.</p>
<input type="text" name="user"><input type="password" name="pw"><button>Inloggen</button></form></body></html>"""


def pdf_letter() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for paragraph in PDF_PARAGRAPHS:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(3)
    return bytes(pdf.output())


class LetterServer:
    def __init__(self, slow_seconds: float = 3.0, big_bytes: int = 200_000):
        self.requests: list[str] = []
        pages = {
            "/brief.html": (200, "text/html; charset=utf-8", HTML_LETTER.encode()),
            "/download?id=71": (200, "application/octet-stream", pdf_letter()),  # type from the bytes
            "/login": (200, "text/html", LOGIN_PAGE.encode()),
            "/big.html": (200, "text/html", b"<html><body><p>" + b"woord " * (big_bytes // 6) + b"</p></body></html>"),
        }
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(self.path)
                if self.path == "/slow":
                    time.sleep(slow_seconds)
                if self.path in ("/oud-adres", "/rondje"):
                    self.send_response(301)
                    self.send_header("Location", "/brief.html" if self.path == "/oud-adres" else "/rondje")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, kind, data = pages.get(self.path, (404, "text/html", b"<html><body>Niet gevonden</body></html>"))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout, size cap)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
