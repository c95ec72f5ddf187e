"""Short stopword lists for the wire's languages: words that are never keywords or names."""

from __future__ import annotations

from functools import cache

__all__ = ["stopwords"]

_WORDS = {
    "en": "a about above after again against all also am an and any are as at be because been "
    "before being below between both but by can could did do does doing down during each few for "
    "from further had has have having he her here hers him his how i if in into is it its itself "
    "just me more most my no nor not now of off on once only or other our out over own same she "
    "should so some such than that the their them then there these they this those through to too "
    "under until up very was we were what when where which while who whom why will with would you "
    "your said says say told tell according year years week month day time new last first "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow "
    "january february march april may june july august september october november december "
    "mr mrs ms dr one two three four five six seven eight nine ten percent per cent people "
    "however meanwhile since earlier later still already many much well including added "
    "make makes made build builds get give take takes need needs want wants would could might "
    "must will shall may also back next around across reporters officials official statement "
    "executive chief told asked called expected likely several another other while whether "
    "week weeks months days hours lower higher high low big small large good best top least "
    "strong eastern western northern southern central due near far early late own",
    "tr": "ve ile bir bu şu o da de ki mi için gibi daha çok en ama fakat ancak veya ya hem ne "
    "her hiç olarak olan oldu olduğu olduğunu olacak ise kadar sonra önce göre karşı diye dedi "
    "söyledi belirtti açıkladı ifade etti eden etti ettiği yaptı yılında yıl gün ay hafta "
    "bugün dün pazartesi salı çarşamba perşembe cuma cumartesi pazar kasım aralık ocak şubat "
    "mart nisan mayıs haziran temmuz ağustos eylül ekim bin milyon milyar ayrıca ise",
    "fr": "le la les un une des du de d l et ou mais donc or ni car ce cet cette ces son sa ses "
    "leur leurs il elle ils elles on nous vous je tu qui que quoi dont où dans sur sous pour par "
    "avec sans entre vers chez est sont été être a ont avait fait plus moins très aussi comme "
    "selon a-t-il déclaré dit lundi mardi mercredi jeudi vendredi samedi dimanche janvier février "
    "mars avril mai juin juillet août septembre octobre novembre décembre an ans année mois",
    "de": "der die das den dem des ein eine einer eines einem einen und oder aber doch sondern "
    "im in am an auf aus bei mit nach von vor zu zum zur über unter für gegen ohne um ist sind "
    "war waren wird werden wurde wurden hat haben hatte sei es er sie wir ihr ich man sich nicht "
    "auch noch nur schon sehr mehr als wie wenn dass so sagte sagt teilte mit montag dienstag "
    "mittwoch donnerstag freitag samstag sonntag januar februar märz april mai juni juli august "
    "september oktober november dezember jahr jahre jahren prozent",
    "es": "el la los las un una unos unas de del al y o pero ni que en con por para sin sobre "
    "entre hasta desde según se su sus lo le les es son fue ha han había ser está están este "
    "esta estos estas ese esa como más menos muy también ya dijo afirmó lunes martes miércoles "
    "jueves viernes sábado domingo enero febrero marzo abril mayo junio julio agosto septiembre "
    "octubre noviembre diciembre año años mes",
    "ru": "и в во не что он она они мы вы я на с со как а но то все по из у за от о об для до "
    "при это этот эта эти его ее её их был была были быть будет также уже еще ещё только "
    "когда где который которая которые сказал заявил сообщил года году лет понедельник "
    "вторник среду четверг пятницу субботу воскресенье",
    "bs": "i u na je su da se za od do sa s o a ali ili te to taj ta ti koji koja koje kao što "
    "ne nije bio bila bilo biti će bi ga ih im mu joj iz po pri prema kod nakon prije izjavio "
    "rekao kazao godine godina ponedjeljak utorak srijeda četvrtak petak subota nedjelja",
    "ku": "û jî ji bi li di de ku ev ew wî wê wan yê ya yên da re ra ser bo ji bo her an lê "
    "got gotin kir dike kirin bû bûn ye ne tê hat",
    "ar": "في من على إلى عن مع أن إن كان كانت هذا هذه ذلك التي الذي الذين و أو ثم لم لن قد "
    "كما بعد قبل بين حتى عند كل أي ما لا هو هي هم وقال قال وأضاف أضاف وأكد اليوم أمس",
    "fa": "و در به از که این آن با برای را تا یا هم نیز اما بر است بود شد شده کرد کرده می "
    "خود او آنها ما یک هر گفت کرد امروز دیروز",
}
_WORDS["ku-arab"] = "و لە بە بۆ کە ئەم ئەو لەگەڵ دوای پێش هەروەها ووتی"


@cache
def stopwords(language: str | None) -> frozenset[str]:
    """The stopwords of a language (BCP 47 tag), English's as a fallback besides."""
    code = (language or "en").lower()
    words = _WORDS.get(code) or _WORDS.get(code.split("-")[0], "")
    return frozenset(words.split()) | frozenset(_WORDS["en"].split())
