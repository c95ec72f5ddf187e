"""Word lists that the entity rules use: titles before a name, organisation words."""

from __future__ import annotations

__all__ = [
    "ABBREVIATIONS",
    "CONNECTORS",
    "ORG_ENDINGS",
    "ORG_WEAK",
    "ORG_WORDS",
    "PERSON_VERBS",
    "PLACE_WORDS",
    "TITLES",
]


def _words(text: str) -> frozenset[str]:
    """The space-separated words of a literal, as a set."""
    return frozenset(text.split())


# A person's title or office, in the wire's languages (lower-case, without a final dot).
TITLES = _words(
    "president vice-president prime minister secretary chancellor senator sen rep representative "
    "governor mayor king queen prince princess pope sheikh emir ayatollah general gen lt col "
    "colonel major captain capt admiral adm commander sergeant mr mrs ms dr prof professor "
    "judge justice spokesman spokeswoman spokesperson ambassador envoy chairman chairwoman chair "
    "trainer ceo cfo executive director officer manager economist analyst coach striker midfielder "
    "defender goalkeeper leader chief deputy premier speaker "
    "director-general secretary-general forecaster meteorologist detective inspector "
    "superintendent commissioner prosecutor attorney lawyer founder "
    "cumhurbaşkanı başbakan bakanı bakan sözcüsü başkanı başkan vali genelkurmay "
    "président présidente ministre porte-parole chancelière chancelier m mme premier "
    "präsident präsidentin kanzler kanzlerin bundeskanzler bundeskanzlerin ministerin "
    "außenminister außenministerin sprecher sprecherin "
    "presidente presidenta ministro ministra portavoz canciller "
    "президент премьер-министр министр глава председатель пресс-секретарь "
    "predsjednik predsjednica premijer ministar ministrica "
    "serok serokê wezîr wezîrê"
)
# A word that makes a capitalised name an organisation, wherever it stands in the name.
ORG_WORDS = _words(
    "inc inc. ltd ltd. llc plc corp corp. corporation co company companies group holding holdings "
    "agency ministry department bank university college school institute institution council "
    "commission committee court tribunal party army navy police office parliament force "
    "senate congress assembly authority federation union association foundation fund trust "
    "airlines airways industries technologies systems aerospace dynamics defence defense motors "
    "energy oil petroleum pharmaceuticals telecom media news press times post newswire network "
    "club fc united bureau organization organisation service services board exchange reserve "
    "capital securities insurance partners investments "
    "borsa börse bourse ag gmbh sa s.a. spa nv bv ab asa a.ş. "
    "bakanlığı bankası üniversitesi partisi ajansı şirketi holding meclisi mahkemesi kurumu "
    "başkanlığı derneği vakfı konseyi "
    "ministère banque université parti agence conseil cour assemblée société groupe "
    "ministerium universität partei agentur gericht konzern "
    "ministerio banco universidad partido agencia consejo tribunal empresa "
    "министерство банк университет партия агентство совет суд компания "
    "ministarstvo banka univerzitet stranka agencija vijeće sud kompanija "
    "wezareta partiya zanîngeha"
)
# Words that also qualify an office before a title: weak evidence of an organisation.
ORG_WEAK = _words(
    "energy oil media news press post times network service services board exchange reserve "
    "force defence defense petroleum telecom club united trust systems industries capital "
    "insurance"
)
# German and Turkish compounds end in the organisation word (Verteidigungsministerium).
ORG_ENDINGS = ("ministerium", "bakanlığı", "bankası", "partei", "gesellschaft", "konzern")
CONNECTORS = _words("of for the de du des la le del von van der den bin al el di da &")
# Verbs that follow a person's name in news copy ("Smith said").
PERSON_VERBS = _words("said says told added warned urged denied insisted wrote stated declared")
# A word that makes a capitalised name a place ("Comunidad Valenciana", "Malatya Province").
PLACE_WORDS = _words(
    "province region city county district island islands river sea mountains valley "
    "comunidad región provincia ciudad région département ville province bölgesi ili ilçesi "
    "область край oblast kanton općina regija"
)
# Abbreviations that end in a dot inside a sentence ("Frank St. John", "Smith Jr.").
ABBREVIATIONS = _words("st jr sr mt ft no nos vs co inc ltd corp bros gov rev hon")
