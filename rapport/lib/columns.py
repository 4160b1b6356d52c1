"""Reading the columns of spreadsheets people actually have: header words in several languages,
values written as words (High/Medium/Low, Internal/External, N/A), section rows and team names.

Plain functions and tables, no database: the register and RACI imports both use them, and the
docs (docs/importing.md) list the same words.
"""

from __future__ import annotations

import functools
import re
import unicodedata


@functools.lru_cache(maxsize=20_000)
def norm(text: str | None) -> str:
    """A header or value as compared: accents, case, brackets and punctuation do not count.

    ``"Área"`` -> ``"area"``, ``"Power (1-5)"`` -> ``"power"``, ``"E-mail"`` -> ``"e mail"``.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", str(text).replace("\ufeff", "").casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# --- empty values ---------------------------------------------------------------------------------

# Cells that say "nothing here" in the words people use (compared after norm(), and as written).
EMPTY_WORDS = frozenset(
    {"n a", "na", "none", "nil", "null", "n d", "nd", "ninguno", "ninguna", "nada", "nenhum",
     "nenhuma", "aucun", "aucune", "sans objet", "keine", "keiner", "tbd", "tbc"}
)  # fmt: skip
EMPTY_MARKS = frozenset({"", "-", "--", "\u2013", "\u2014", "/", "?", "n/a", "N/A", "#N/A", "."})


def is_empty(value: str | None) -> bool:
    """True for a blank cell and for "N/A", "-", "—", "none" and their translations."""
    text = (value or "").strip()
    return text in EMPTY_MARKS or norm(text) in EMPTY_WORDS


# --- levels (power, interest) ---------------------------------------------------------------------

_LEVELS = {
    5: ("high", "h", "very high", "alta", "alto", "muy alta", "muy alto", "elevado", "elevada",
        "eleve", "elevee", "haut", "haute", "fort", "forte", "hoch", "sehr hoch", "groß", "gross"),
    3: ("medium", "m", "med", "mid", "moderate", "media", "medio", "media alta", "moyen",
        "moyenne", "mittel", "mittelmaßig", "mittelmassig", "mediano", "mediana"),
    1: ("low", "l", "very low", "baja", "bajo", "muy baja", "muy bajo", "baixa", "baixo",
        "faible", "bas", "basse", "niedrig", "gering", "sehr niedrig"),
}  # fmt: skip
LEVEL_WORDS = {norm(word): value for value, words in _LEVELS.items() for word in words}


def level_value(text: str) -> int | None:
    """5, 3 or 1 for High/Medium/Low in any of the languages above (and H/M/L); None otherwise."""
    return LEVEL_WORDS.get(norm(text))


# --- internal / external --------------------------------------------------------------------------

RELATIONSHIP_WORDS = {
    **{w: "internal" for w in ("internal", "interno", "interna", "interne", "intern", "int")},
    **{w: "external" for w in ("external", "externo", "externa", "externe", "extern", "ext")},
}
KIND_WORDS = {
    **{w: "person" for w in ("person", "persona", "pessoa", "personne", "individual", "individuo")},
    **{w: "group" for w in ("group", "grupo", "groupe", "gruppe", "team", "equipo", "equipe")},
}


def relationship_value(text: str) -> str | None:
    return RELATIONSHIP_WORDS.get(norm(text))


# --- teams ----------------------------------------------------------------------------------------

_GROUP_PATTERN = re.compile(
    r"\b(team|teams|crew|panel|agency|ministry|authority|partners|department|dept|committee|board|office|council|group|unit|squad|division|"
    r"legal|finance|procurement|compliance|security|hr|human resources|it|operations|ops|"
    r"marketing|sales|support|pmo|steering|management|leadership|staff|workstream|"
    r"equipo|equipe|departamento|comite|junta|direccion|area|diretoria|gerencia|juridico|"
    r"financas|finanzas|service|direction|conseil|abteilung|ausschuss|vorstand|gremium|"
    r"bereich|recht|finanzen|einkauf|vendors|suppliers|users|customers|stakeholders)\b"
)


def looks_like_group(name: str) -> bool:
    """True when a name reads like a team rather than a person ("AI/Product Team", "Legal",
    "Finance", "Steering Committee", "Board", "Departamento de TI")."""
    return bool(_GROUP_PATTERN.search(norm(name)))


# --- section rows ---------------------------------------------------------------------------------

_SECTION_PATTERN = re.compile(
    r"^(phase|stage|fase|etapa|etape|sprint|workstream|section|seccion|secao|abschnitt|stufe|"
    r"wave|iteration|iteracion)\b"
)


def looks_like_section(label: str) -> bool:
    """True for a heading such as "Phase 1 — Discovery", "Fase 2: Construcción", "Étape 3" or
    "DISCOVERY:" (a label ending in a colon)."""
    text = label.strip()
    return bool(text) and (text.endswith(":") or bool(_SECTION_PATTERN.search(norm(text))))


def section_name(label: str) -> str:
    """The phase name for a section label: the label without a trailing colon."""
    return " ".join(label.strip().rstrip(":").split())


# --- header synonyms ------------------------------------------------------------------------------

# The register: column key -> header words (English first; Spanish, Portuguese, French, German).
REGISTER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "party id", "register id"),
    "name": ("name", "stakeholder", "stakeholder name", "full name", "party", "name or group",
             "nombre", "nombre completo", "interesado", "parte interesada", "nome",
             "nome completo", "parte interessada", "interessado", "nom", "nom complet",
             "partie prenante", "partie interessee", "vollstandiger name", "beteiligter",
             "stakeholder name"),
    "kind": ("type", "kind", "person or group", "tipo", "typ", "art"),
    "organisation": ("organisation", "organization", "company", "org", "organizacion",
                     "empresa", "organizacao", "entreprise", "societe", "firma", "unternehmen",
                     "institucion", "instituicao"),
    "department": ("department", "dept", "unit", "business unit", "departamento", "area",
                   "service", "direction", "abteilung", "bereich", "unidad", "unidade"),
    "title": ("title", "job title", "position", "function", "title or function", "cargo",
              "puesto", "funcion", "funcao", "poste", "fonction", "titre", "stelle",
              "funktion", "position"),
    "email": ("e mail", "email", "email address", "mail", "correo", "correo electronico",
              "courriel", "adresse e mail", "e mail adresse"),
    "phone": ("phone", "telephone", "tel", "mobile", "phone number", "telefono", "telefone",
              "celular", "movil", "telefon", "handy"),
    "relationship": ("internal external", "internal or external", "relationship", "interno externo",
                     "interne externe", "intern extern", "relacion", "relacao", "relation"),
    "payment": ("payment", "how they pay", "pays by", "funding", "pago", "pagamento",
                "paiement", "zahlung"),
    "categories": ("categories", "category", "stakeholder category", "classification",
                   "categoria", "categorias", "categorie", "categories", "kategorie",
                   "kategorien", "clasificacion", "classificacao"),
    "reports_to": ("reports to", "manager", "boss", "reporta a", "jefe", "responde a",
                   "superior", "gestor", "superieur", "responsable hierarchique",
                   "vorgesetzter", "berichtet an"),
    "represents": ("represents", "on behalf of", "speaks for", "representa", "represente",
                   "vertritt"),
    "notes": ("notes", "comments", "remarks", "notas", "observaciones", "comentarios",
              "observacoes", "comentarios", "remarques", "commentaires", "bemerkungen",
              "notizen", "anmerkungen"),
    "roles": ("roles", "role", "project role", "project roles", "rol", "roles en el proyecto",
              "papel", "papeis", "role", "roles", "rolle", "rollen"),
    "is_customer": ("customer", "is customer", "customer of this project", "cliente", "client",
                    "kunde"),
    "benefits": ("key benefits", "benefits", "what the project gives them", "serves",
                 "beneficios", "beneficios clave", "avantages", "benefices", "nutzen"),
    "weighs_in_on": ("weighs in on", "decides on", "say in", "decide sobre", "opina sobre"),
    "power": ("power", "influence", "poder", "influencia", "nivel de poder", "nivel de influencia",
              "pouvoir", "macht", "einfluss", "power level"),
    "interest": ("interest", "interes", "nivel de interes", "interesse", "interet", "interest level"),
    "strategy": ("strategy", "quadrant", "estrategia", "strategie", "cuadrante"),
    "attitude": ("attitude", "stance", "actitud", "postura", "atitude", "posicion", "haltung",
                 "einstellung"),
    "nervous": ("nervous", "nervioso", "nervoso", "nerveux", "nervos"),
    "concerns": ("concerns", "issues", "worries", "preocupaciones", "inquietudes",
                 "preocupacoes", "preoccupations", "bedenken", "sorgen"),
    "engagement_now": ("engagement now", "current engagement", "engagement current", "current",
                       "compromiso actual", "engajamento atual", "engagement actuel",
                       "aktuelles engagement"),
    "engagement_needed": ("engagement needed", "desired engagement", "engagement desired",
                          "desired", "target engagement", "compromiso deseado",
                          "engajamento desejado", "engagement souhaite", "gewunschtes engagement"),
    "expectations": ("expectations", "requirements", "needs", "expectativas", "necesidades",
                     "necessidades", "attentes", "besoins", "erwartungen"),
}  # fmt: skip

# The RACI: column meaning -> header words. R, A, C and I are the letters' columns.
RACI_SYNONYMS: dict[str, tuple[str, ...]] = {
    "activity": ("activity", "activities", "task", "tasks", "deliverable", "deliverables",
                 "work item", "summary", "task name", "name", "item", "process", "step",
                 "actividad", "actividades", "tarea", "tareas", "area", "entregable", "proceso",
                 "atividade", "atividades", "tarefa", "tarefas", "entregavel", "processo",
                 "tache", "taches", "activite", "activites", "livrable", "processus",
                 "aufgabe", "aufgaben", "aktivitat", "aktivitaten", "vorgang", "arbeitspaket",
                 "prozess", "raci", "raci matrix"),
    "phase": ("phase", "stage", "fase", "etapa", "etape", "sprint", "epic", "epic link",
              "parent", "parent summary", "section column", "section", "milestone", "stufe",
              "workstream", "release"),
    "R": ("responsible", "r", "responsable", "responsavel", "responsables", "verantwortlich",
          "durchfuhrung", "executor", "assignee", "assignees", "assigned to", "owner",
          "resource names", "resources", "asignado", "asignado a", "atribuido a"),
    "A": ("accountable", "a", "aprobador", "aprueba", "autoridad", "rinde cuentas",
          "aprovador", "autoridade", "approbateur", "autorite", "approver",
          "rechenschaftspflichtig", "genehmiger", "entscheider"),
    "C": ("consulted", "c", "consultado", "consultados", "consulte", "consultes",
          "konsultiert", "befragt", "mitwirkend"),
    "I": ("informed", "i", "informado", "informados", "informe", "informes", "informiert"),
    "start": ("start", "start date", "planned start", "begin", "inicio", "fecha de inicio",
              "data de inicio", "debut", "date de debut", "beginn", "anfang", "startdatum"),
    "finish": ("finish", "end", "due", "due date", "end date", "planned finish", "finish date",
               "fin", "fecha de fin", "fecha limite", "data de termino", "data final",
               "prazo", "echeance", "date de fin", "ende", "fallig", "enddatum", "termin"),
    "depends_on": ("predecessors", "depends on", "dependencies", "blocked by",
                   "inward issue link blocks", "inward issue link", "dependencias", "predecesoras",
                   "predecessores", "dependances", "predecesseurs", "vorganger",
                   "abhangigkeiten"),
}  # fmt: skip

# What each meaning is called on the preview's column selects.
RACI_MEANINGS = {
    "activity": "Activity",
    "phase": "Phase",
    "R": "Responsible",
    "A": "Accountable",
    "C": "Consulted",
    "I": "Informed",
    "start": "Start date",
    "finish": "Finish date",
    "depends_on": "Depends on (ignored)",
    "party": "Party (letters)",
    "ignore": "Ignore this column",
}


def header_index(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """normalised header word -> meaning, the first meaning listing a word winning."""
    index: dict[str, str] = {}
    for meaning, words in synonyms.items():
        for word in (meaning.replace("_", " "), *words):
            index.setdefault(norm(word), meaning)
    return index


RACI_HEADERS = header_index(RACI_SYNONYMS)


def parse_mapping(items: list[str] | dict | None) -> dict[str, str]:
    """A column mapping from ``["Área=activity", ...]`` (the CLI) or ``{header: meaning}`` (the
    API), keyed by the normalised header. Raises ValueError for an item without "=" ."""
    if not items:
        return {}
    if isinstance(items, dict):
        pairs = items.items()
    else:
        pairs = []
        for item in items:
            if "=" not in item:
                raise ValueError(f"“{item}” is not HEADER=MEANING (e.g. 'Área=activity')")
            header, meaning = item.rsplit("=", 1)
            pairs.append((header, meaning))
    return {norm(h): m.strip() for h, m in pairs if norm(h)}


def read_mapping_file(path: str | None) -> dict[str, str]:
    """A saved mapping: a JSON file of {header: meaning} (what `--save-map` writes)."""
    if not path:
        return {}
    import json
    from pathlib import Path

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read the mapping file {path} ({error})") from None
    if not isinstance(data, dict):
        raise ValueError(f"the mapping file {path} must hold a JSON object {{header: meaning}}")
    return parse_mapping({str(k): str(v) for k, v in data.items()})
