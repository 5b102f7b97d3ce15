"""A byline's lead-in before a signature line: ``Contact the author — Jane Roe (@janeroe)
March 3, 2024``, ``Par — …``, ``Von — …``, ``Di — …``. It names the article's writer, it is
no post's text.

The words are those news sites and blog themes print before a writer's name, in the
languages the detector's other tables know best (English, French, German, Spanish,
Italian, Portuguese, Dutch): a preposition for "by" (``Par``, ``Von``, ``Por``, ``Di``,
``Door``), alone or after a participle (``Écrit par``, ``Geschrieben von``, ``Scritto da``,
``A cura di``, ``Geschreven door``); a role (``Auteur :``, ``Autorin``, ``Redacción``); a
call to reach the writer (``Contacter l'auteur``, ``Kontakt zum Autor``, ``Contatta
l'autore``, ``Fale com o autor``, ``Volg de auteur``, ``Dem Autor folgen``). The lead-in is
the whole text before the signature's dash, so these words inside a post's text are not
read.
"""

from __future__ import annotations

import functools
import re


def _words(*words: str) -> str:
    """An alternation of words, each a regular-expression piece (longest first)."""
    return "|".join(sorted(words, key=len, reverse=True))


# The writer's role, with the plural and feminine forms the languages write.
ROLES = _words(
    r"(?:author|writer|reporter|editor|columnist|correspondent|journalist)s?",
    r"auteure?s?", r"autrices?", r"journalistes?", r"rédact(?:eur|rice)s?",
    r"correspondante?s?", r"chroniqueu(?:r|se)s?", "rédaction",
    r"autor(?:in|innen|en)?", r"redakteur(?:in|innen|e)?", r"reporterin(?:nen)?",
    r"korrespondent(?:in|innen|en)?", r"journalist(?:in|innen|en)?", r"kolumnist(?:in|en)?",
    "redaktion",
    r"autor(?:a|es|as)", r"redactor(?:a|es|as)?", r"periodistas?", r"corresponsal(?:es)?",
    r"reporter[oa]s?", r"columnistas?", r"editora?s?", "redacción",
    r"autor[ei]", r"autrice", r"giornalist[aie]", r"redatt(?:ore|ori|rice)", "redazione",
    r"corrispondent[ei]", r"inviat[oa]", "editorialista", "cronista",
    "repórter", r"jornalistas?", r"redatora?", r"correspondentes?", r"colunistas?", "redação",
    r"schrijvers?", r"redacteuren", "redactrice", r"verslaggevers?", "redactie",
    # "Text: Jane Roe" in each language
    "text", "texte", "texto", "testo", "tekst",
)  # fmt: skip
# What joins a call to reach the writer to the role: articles, prepositions, possessives.
LINKS = _words(
    "the", "this", "our", "to", "with",
    "le", "la", "les", "ce", "cet", "cette", "notre", "à", "au", "aux", "du", "de",
    "den", "dem", "die", "der", "zum", "zur", "an", "mit", "vom", "unserem", "unserer",
    "el", "los", "las", "al", "del", "con", "este", "esta", "nuestro", "nuestra", "a",
    "il", "lo", "gli", "alla", "della", "questo", "questa",
    "o", "os", "as", "ao", "com", "do", "da", "para", "nosso", "nossa",
    "het", "deze", "onze", "met", "op", "van",
)  # fmt: skip
# Articles written against the next word: l'auteur, all'autore, dell'autrice.
ELIDED = r"(?:(?:l|all|dell|sull|dall|nell)['’])"
# A call to reach or read the writer (before the role, or alone: ``Kontakt: …``).
CALLS = _words(
    r"contact", "follow", r"e-?mail", "reach", "write", "message", "about", "more from", "meet",
    r"contact(?:er|ez)", r"suiv(?:re|ez)", r"écri(?:re|vez)",
    r"kontakt(?:ieren sie)?", "folgen sie", "mail", "schreiben sie",
    r"contact(?:ar|a|e)", r"segu(?:ir|e)", r"sig(?:ue|a)", r"escrib(?:ir|e|ele)",
    r"contatt(?:a|are|i)", r"segu(?:i|ire)", r"scriv(?:i|ere)",
    r"conta(?:c)?t(?:ar|e)", r"fal(?:e|ar)", "siga", r"escrev(?:a|er)",
    "neem contact op", r"volg(?:en)?", "schrijf",
)  # fmt: skip
# "About" and "more from", which need their role (alone they are common words): ``À propos
# de l'auteur``, ``Über die Autorin``, ``Du même auteur``, ``Mehr vom Autor``, ``Más del autor``.
MORE = _words(
    "à propos de", "du même", "plus de", "über", "mehr", "sobre", "acerca", "más",
    "altri articoli", "mais", "over", "meer",
)  # fmt: skip
# German puts the verb last: ``Dem Autor folgen``, ``Der Autorin schreiben``.
CALLS_AFTER = _words("folgen", "schreiben", "kontaktieren")
# "By", alone or after a participle or noun naming the piece.
BY = _words(
    r"(?:(?:written|reported|reporting|story|words|text|edited|compiled|analysis)\s+)?by",
    r"(?:(?:écrit|rédigé|publié|propos\s+recueillis|texte|un\s+article|reportage)\s+)?par",
    r"(?:(?:geschrieben|verfasst|ein\s+(?:gast)?beitrag|ein\s+kommentar|text)\s+)?von",
    r"(?:(?:escrit[oa]|redactad[oa]|publicad[oa]|redigid[oa]|texto|reportaje|reportagem)\s+)?por",
    r"(?:scritt[oa]|redatt[oa]|pubblicat[oa])\s+da",
    r"(?:(?:a\s+cura|testo|un\s+articolo|articolo)\s+)?di",
    r"(?:(?:geschreven|tekst|gepubliceerd)\s+)?door",
)  # fmt: skip
_LINKED_ROLE = rf"(?:(?:{LINKS})\s+){{0,2}}{ELIDED}?(?:{ROLES})"
BYLINE_LEAD = (
    rf"(?:(?:{CALLS})(?:\s+{_LINKED_ROLE})?|(?:{MORE})\s+{_LINKED_ROLE}"
    rf"|{_LINKED_ROLE}(?:\s+(?:{CALLS_AFTER}))?"
    rf"|{BY})"
    r"[^\S\n]*:?"
)


@functools.cache
def _byline_lead() -> re.Pattern[str]:
    """``BYLINE_LEAD`` compiled on first use: compiling it took 6 ms, a twentieth of a
    one-file scan's start, which most scans never need."""
    return re.compile(BYLINE_LEAD, re.I)


def is_byline_lead(text: str) -> bool:
    """``text`` (what is before a signature's dash on its line) is a byline's lead-in."""
    return _byline_lead().fullmatch(" ".join(text.split())) is not None
