"""Built-in known entities: countries, capitals and major cities, and well-known organisations.

One line per entity: the canonical (English) name first, then aliases in the wire's
languages, separated by `|`; a line that starts with `|`
continues the entity above. The agency's own catalogue adds to and corrects these
(see `catalogue.py`).
"""

from __future__ import annotations

__all__ = ["ORGANISATIONS", "PEOPLE", "PLACES"]

PLACES = """
Afghanistan|Afganistan|أفغانستان|افغانستان|Афганистан
Albania|Arnavutluk|Albanie|Albanien|Albanija
Algeria|Cezayir|Algérie|Algerien|Argelia|الجزائر|Алжир
Argentina|Arjantin|Argentine|Argentinien
Armenia|Ermenistan|Arménie|Armenien|Армения|أرمينيا|ارمنستان
Australia|Avustralya|Australie|Australien|Австралия
Austria|Avusturya|Autriche|Österreich|Австрия|Austrija
Azerbaijan|Azerbaycan|Azerbaïdjan|Aserbaidschan|Азербайджан|أذربيجان|آذربایجان
Belgium|Belçika|Belgique|Belgien|Bélgica|Бельгия|Belgija
Bosnia and Herzegovina|Bosnia|Hercegovina|Bosne|Bosna-Hersek|Bosna i Hercegovina|BiH
|Bosnie-Herzégovine
Brazil|Brezilya|Brésil|Brasilien|Brasil|Бразилия
Bulgaria|Bulgaristan|Bulgarie|Bulgarien|Болгария
Canada|Kanada|Канада
China|Çin|Chine|Китай|الصين|چین|Kina
Croatia|Hırvatistan|Croatie|Kroatien|Croacia|Hrvatska|Хорватия
Cyprus|Kıbrıs|Chypre|Zypern|Chipre|Кипр|قبرص|Kipar
Denmark|Danimarka|Danemark|Dänemark|Dinamarca|Дания
Egypt|Mısır|Égypte|Ägypten|Egipto|Египет|مصر|Egipat
Finland|Finlandiya|Finlande|Finnland|Finlandia|Финляндия
France|Fransa|Frankreich|Francia|Франция|فرنسا|فرانسه|Francuska|Fransa
Georgia|Gürcistan|Géorgie|Georgien|Грузия|جورجيا|گرجستان
Germany|Almanya|Allemagne|Deutschland|Alemania|Германия|ألمانيا|آلمان|Njemačka|Elmanya
Greece|Yunanistan|Grèce|Griechenland|Grecia|Греция|اليونان|یونان|Grčka
Hungary|Macaristan|Hongrie|Ungarn|Hungría|Венгрия|Mađarska
India|Hindistan|Inde|Indien|Индия|الهند|هند|Indija
Indonesia|Endonezya|Indonésie|Indonesien|Индонезия
Iran|İran|Irán|Иран|إيران|ایران|Êran
Iraq|Irak|Ирак|العراق|عراق|Iraq
Ireland|İrlanda|Irlande|Irland|Irlanda|Ирландия
Israel|İsrail|Israël|Израиль|إسرائيل|اسرائیل|Izrael|Îsraîl
Italy|İtalya|Italie|Italien|Italia|Италия|إيطاليا|ایتالیا|Italija
Japan|Japonya|Japon|Japón|Япония|اليابان|ژاپن|Japan
Jordan|Ürdün|Jordanie|Jordanien|Jordania|Иордания|الأردن|اردن
Kazakhstan|Kazakistan|Kazakhstan|Kasachstan|Казахстан
Kosovo|Kosova|Косово
Lebanon|Lübnan|Liban|Libanon|Líbano|Ливан|لبنان
Libya|Libya|Libye|Libyen|Libia|Ливия|ليبيا|لیبی
Mexico|Meksika|Mexique|Mexiko|México|Мексика
Montenegro|Karadağ|Monténégro|Crna Gora|Черногория
Netherlands|Hollanda|Pays-Bas|Niederlande|Países Bajos|Нидерланды|Holandija|Nizozemska
Nigeria|Nijerya|Nigéria|Нигерия
North Korea|Kuzey Kore|Corée du Nord|Nordkorea|Corea del Norte|КНДР|Северная Корея
Norway|Norveç|Norvège|Norwegen|Noruega|Норвегия
Pakistan|Pakistán|Пакистан|باكستان|پاکستان
Palestine|Filistin|Palestinian territories|فلسطين|فلسطین|Палестина
Poland|Polonya|Pologne|Polen|Polonia|Польша|Poljska
Qatar|Katar|Катар|قطر
Romania|Romanya|Roumanie|Rumänien|Rumania|Румыния
Russia|Rusya|Russie|Russland|Rusia|Россия|روسيا|روسیه|Rusija|Rûsya
Saudi Arabia|Suudi Arabistan|Arabie saoudite|Saudi-Arabien|Arabia Saudí|Саудовская Аравия
|السعودية|عربستان
Serbia|Sırbistan|Serbie|Serbien|Сербия|Srbija
Slovenia|Slovenya|Slovénie|Slowenien|Eslovenia|Slovenija
South Africa|Güney Afrika|Afrique du Sud|Südafrika|Sudáfrica|ЮАР
South Korea|Güney Kore|Corée du Sud|Südkorea|Corea del Sur|Южная Корея
Spain|İspanya|Espagne|Spanien|España|Испания|إسبانيا|اسپانیا|Španija
Sweden|İsveç|Suède|Schweden|Suecia|Швеция|Švedska
Switzerland|İsviçre|Suisse|Schweiz|Suiza|Швейцария|Švicarska
Syria|Suriye|Syrie|Syrien|Siria|Сирия|سوريا|سوریه|Sirija|Sûriye
Tunisia|Tunus|Tunisie|Tunesien|Túnez|Тунис|تونس
Turkey|Türkiye|Turquie|Türkei|Turquía|Турция|تركيا|ترکیه|Turska|Tirkiye
Ukraine|Ukrayna|Ucrania|Украина|أوكرانيا|اوکراین|Ukrajina
United Arab Emirates|UAE|Birleşik Arap Emirlikleri|Émirats arabes unis|ОАЭ|الإمارات|امارات
United Kingdom|Britain|UK|Great Britain|İngiltere|Birleşik Krallık|Royaume-Uni|Großbritannien
|Reino Unido|Великобритания|بريطانيا|بریتانیا|Velika Britanija
United States|U.S.|US|USA|United States of America|ABD|Amerika Birleşik Devletleri|États-Unis
|Vereinigte Staaten|USA|Estados Unidos|США|الولايات المتحدة|آمریکا|ایالات متحده|SAD|Amerîka
Venezuela|Венесуэла
Yemen|Yémen|Jemen|Йемен|اليمن|یمن
Europe|Avrupa|Europa|Европа|أوروبا|اروپا
Middle East|Orta Doğu|Moyen-Orient|Nahost|Oriente Medio|Ближний Восток|الشرق الأوسط|خاورمیانه
Gaza|Gazze|Gaza Strip|Газа|غزة|غزه
West Bank|Batı Şeria|Cisjordanie|Westjordanland|Cisjordania|الضفة الغربية
Kurdistan|Kürdistan|Kurdistan Region|Kurdistane|کوردستان|كردستان|کردستان|Kurdistana
Crimea|Kırım|Crimée|Krim|Crimea|Крым
Kabul|Kabil|كابول|کابل
Ankara|Anqara|Enqere|أنقرة|آنکارا|Анкара
Istanbul|İstanbul|Stamboul|Стамбул|إسطنبول|استانبول|Stembol
Izmir|İzmir
Frankfurt|Francfort|Франкфурт
Munich|München|Münih|Munich
Hamburg|Hambourg|Гамбург
Marseille
Lyon|Lyons
Barcelona|Barselona|Barcelone
Milan|Milano|Милан
Baku|Bakü|Баку|باكو
Minsk|Минск
Aleppo|Halep|Alep|حلب
Mosul|Musul|الموصل
Basra|Basra|البصرة
Kirkuk|Kerkük|Kerkûk|كركوك|کەرکووک
Isfahan|İsfahan|اصفهان
Mashhad|Meşhed|مشهد
Tabriz|Tebriz|تبریز
Gaziantep|Antep
Antalya
Bursa
Van|Wan
Diyarbakir|Diyarbakır|Amed
Athens|Atina|Athènes|Athen|Atenas|Афины|Atina
Baghdad|Bağdat|Bagdad|Багдад|بغداد
Beirut|Beyrut|Beyrouth|Бейрут|بيروت|بیروت
Beijing|Pekin|Pékin|Peking|Pekín|Пекин|بكين|پکن
Belgrade|Belgrad|Beograd|Белград
Berlin|Берлин|برلين|برلین
Brussels|Brüksel|Bruxelles|Brüssel|Bruselas|Брюссель|بروكسل|بروکسل|Brisel
Cairo|Kahire|Le Caire|Kairo|El Cairo|Каир|القاهرة|قاهره
Damascus|Şam|Damas|Damaskus|Damasco|Дамаск|دمشق
Doha|Доха|الدوحة|دوحه
Erbil|Arbil|Hewlêr|Hewler|أربيل|اربیل|هەولێر
Geneva|Cenevre|Genève|Genf|Ginebra|Женева|جنيف|ژنو|Ženeva
Jerusalem|Kudüs|Jérusalem|Jerusalén|Иерусалим|القدس|اورشلیم
Kyiv|Kiev|Kiew|Kyïv|Киев|Київ|كييف|کی‌یف|Kijev
London|Londra|Londres|Лондон|لندن|Londra
Madrid|Мадрид|مدريد
Moscow|Moskova|Moscou|Moskau|Moscú|Москва|موسكو|مسکو|Moskva
New York|New York City|Нью-Йорк|نيويورك|نیویورک|Njujork
Paris|Париж|باريس|پاریس|Pariz
Riyadh|Riyad|Riad|Эр-Рияд|الرياض|ریاض
Rome|Roma|Rom|Рим|روما|رم
Sarajevo|Saraybosna|Sarajevu|Сараево
Mostar
Tuzla
Banja Luka
Sulaymaniyah|Süleymaniye|Silêmanî|السليمانية|سلیمانیه|سلێمانی
Tehran|Tahran|Téhéran|Teheran|Teherán|Тегеран|طهران|تهران
Tel Aviv|Тель-Авив|تل أبيب|تل‌آویو
Tokyo|Tokyo|Токио|طوكيو|توکیو
Washington|Washington D.C.|Вашингтон|واشنطن|واشنگتن|Vašington
Zagreb|Загреб
Vienna|Viyana|Vienne|Wien|Viena|Вена|Beč
Warsaw|Varşova|Varsovie|Warschau|Varsovia|Варшава
"""

ORGANISATIONS = """
United Nations|UN|U.N.|BM|Birleşmiş Milletler|ONU|Nations unies|Vereinte Nationen|ООН
|الأمم المتحدة|سازمان ملل|UN-a|UN Security Council
NATO|North Atlantic Treaty Organization|OTAN|НАТО|الناتو|ناتو
European Union|EU|E.U.|AB|Avrupa Birliği|UE|Union européenne|Europäische Union|Unión Europea
|Евросоюз|ЕС|الاتحاد الأوروبي|اتحادیه اروپا|Europska unija
European Commission|Avrupa Komisyonu|Commission européenne|Europäische Kommission
|Comisión Europea
World Health Organization|WHO|DSÖ|Dünya Sağlık Örgütü|OMS|Weltgesundheitsorganisation|ВОЗ
|منظمة الصحة العالمية
International Monetary Fund|IMF|FMI|МВФ|صندوق النقد الدولي|Uluslararası Para Fonu
World Bank|Dünya Bankası|Banque mondiale|Weltbank|Banco Mundial|Всемирный банк
European Central Bank|ECB|EZB|BCE|ЕЦБ|Avrupa Merkez Bankası
Federal Reserve|Fed|ФРС
OPEC|OPEC+|ОПЕК|أوبك|اوپک
Pentagon|Пентагон|البنتاغون
Bundestag
Knesset|الكنيست
State Duma|Duma|Госдума|Государственная дума
Grand National Assembly of Turkey|TBMM|Türkiye Büyük Millet Meclisi
Congress|U.S. Congress|Kongre
Kremlin|Kremlin|Кремль|الكرملين|کرملین
White House|Beyaz Saray|Maison Blanche|Weißes Haus|Casa Blanca|Белый дом|البيت الأبيض|کاخ سفید
Hamas|Hamas|Хамас|حماس
Hezbollah|Hizbullah|Hizbollah|Хезболла|حزب الله
PKK|Kurdistan Workers' Party
Reuters|Рейтер|رويترز
Associated Press|AP|Assoşiyetid Pres
Agence France-Presse|AFP|Fransız Haber Ajansı
Anadolu Agency|Anadolu Ajansı|Anadolu News Agency
Deutsche Presse-Agentur|dpa|DPA
Bloomberg|Bloomberg News
Xinhua|Xinhua News Agency|Синьхуа
TASS|ТАСС|Tass
EFE|Agencia EFE
ANSA
IRNA|ایرنا|إرنا
Kyodo|Kyodo News
Newswire
BBC|Би-би-си
CNN
Lockheed Martin|Lockheed|Lockheed Martin Corp
Raytheon|RTX|Raytheon Technologies
Northrop Grumman
General Dynamics
Boeing|Боинг
Airbus|Эйрбас
BAE Systems|BAE
Rheinmetall|Rheinmetall AG
Thales|Thales Group
Leonardo|Leonardo SpA
Saab|Saab AB
MBDA
Baykar
Aselsan
Roketsan
Turkish Aerospace|TUSAŞ|TAI
Elbit Systems|Elbit
Rafael Advanced Defense Systems|Rafael
Hanwha Aerospace|Hanwha
Apple
Microsoft
Google
Alphabet
Amazon
Tesla
Nvidia
Samsung
OpenAI
Gazprom|Газпром
Rosneft|Роснефть
Saudi Aramco|Aramco
Shell
BP
TotalEnergies
Turkish Airlines|Türk Hava Yolları|THY
Central Bank of the Republic of Turkey|Türkiye Cumhuriyet Merkez Bankası|TCMB|Merkez Bankası
"""

PEOPLE = """
"""
