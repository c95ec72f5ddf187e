"""Word stems per IPTC Media Topic (top level), pooled over the wire's languages.

A stem matches any word it begins; a word ending in `=` must match exactly.
"""

from __future__ import annotations

__all__ = ["TOPIC_NAMES", "TOPIC_STEMS"]

TOPIC_NAMES = {
    "01000000": "arts, culture, entertainment and media",
    "02000000": "crime, law and justice",
    "03000000": "disaster, accident and emergency incident",
    "04000000": "economy, business and finance",
    "05000000": "education",
    "06000000": "environment",
    "07000000": "health",
    "08000000": "human interest",
    "09000000": "labour",
    "10000000": "lifestyle and leisure",
    "11000000": "politics and government",
    "12000000": "religion",
    "13000000": "science and technology",
    "14000000": "society",
    "15000000": "sport",
    "16000000": "conflict, war and peace",
    "17000000": "weather",
}

TOPIC_STEMS = {
    "01000000": "film movie cinema music concert album festival museum exhibition theatre theater "
    "novel artist painting actor actress singer sinema müzik konser sergi tiyatro sanatçı musique "
    "théâtre musée kunst musik konzert ausstellung película música museo кино музык театр выстав "
    "فيلم موسيقى مهرجان فیلم موسیقی جشنواره muzej pozorišt art= arts=",
    "02000000": "police arrest court trial judge prosecutor jail prison sentence murder fraud "
    "corruption lawsuit verdict convicted charged crime criminal smuggl polis tutukla mahkeme "
    "dava savcı cezaevi hapis cinayet yolsuzluk police= arrêt tribunal procès prison meurtre "
    "polizei festnahm gericht prozess gefängnis policía detenid juicio tribunal cárcel "
    "полиц арест суд приговор тюрьм уголовн شرطة محكمة اعتقال سجن پلیس دادگاه بازداشت زندان "
    "policij uhapš sud= zatvor",
    "03000000": "earthquake flood wildfire fire= fires= crash accident explosion collapse disaster "
    "hurricane storm tsunami landslide rescue victims deprem sel yangın kaza patlama afet "
    "kurtarma séisme inondation incendie accident explosion erdbeben überschwemmung brand unfall "
    "terremoto inundac rescat incendio accidente землетрясен наводнен пожар авари взрыв زلزال "
    "فيضان حريق انفجار زلزله سیل آتش‌سوزی انفجار potres poplav požar nesreć erdhej",
    "04000000": "economy economic inflation market shares stock= stocks= investor investment bank "
    "billion company companies profit revenue earnings trade tariff export import= imports= gdp "
    "budget deal contract price prices oil currency lira dollar euro= ekonomi enflasyon piyasa "
    "borsa yatırım şirket ihracat ithalat bütçe faiz économie marché entreprise milliard "
    "wirtschaft inflation unternehmen milliarden börse economía mercado empresa inversión "
    "экономик инфляц рынок компан инвест млрд اقتصاد التضخم سوق شركة اقتصاد تورم بازار شرکت "
    "ekonomi privred inflacij aborî",
    "05000000": "school schools university student students teacher teachers education exam "
    "okul üniversite öğrenci öğretmen eğitim école université élève enseignant schule "
    "universität schüler lehrer bildung escuela universidad estudiante школ университет "
    "студент образован مدرسة جامعة طالب مدرسه دانشگاه دانش‌آموز škol univerzitet student",
    "06000000": "climate environment pollution emissions carbon biodiversity deforestation "
    "renewable drought iklim çevre kirlilik emisyon karbon climat environnement pollution "
    "klima umwelt emission clima medio ambiente contaminación климат экологи выброс مناخ البيئة "
    "اقلیم محیط زیست klima okoliš zagađ",
    "07000000": "health hospital hospitals disease virus vaccine doctors patients cancer "
    "epidemic pandemic outbreak medical sağlık hastane hastalık aşı salgın doktor santé "
    "hôpital maladie vaccin gesundheit krankenhaus krankheit impf salud hospital enfermedad "
    "vacuna здоров больниц болезн вакцин эпидеми صحة مستشفى مرض لقاح سلامت بیمارستان بیماری "
    "واکسن zdravstv bolnic bolest vakcin",
    "08000000": "birthday wedding celebrity zoo animal rescued anniversary record-breaking "
    "doğum günü düğün ünlü anniversaire mariage hochzeit geburtstag boda cumpleaños свадьб "
    "юбиле زفاف عروسی vjenčanj",
    "09000000": "strike strikes workers unions unemployment wages wage jobs employment "
    "labour labor grev işçi sendika işsizlik asgari grève travailleurs syndicat chômage streik "
    "arbeitnehmer gewerkschaft arbeitslos huelga trabajador sindicato desempleo забастов "
    "рабоч профсоюз безработ إضراب عمال بطالة اعتصاب کارگر بیکاری štrajk radnic sindikat",
    "10000000": "tourism tourist travel holiday restaurant fashion food recipe hobby turizm "
    "tatil moda= tourisme voyage vacances mode= tourismus reise urlaub turismo viaje vacaciones "
    "moda= туризм отдых мода سياحة گردشگری turizam",
    "11000000": "election elections president minister ministers government parliament "
    "opposition party parties vote voters referendum coalition senate congress diplomatic "
    "diplomacy summit talks sanctions policy seçim cumhurbaşkanı bakan hükümet meclis "
    "muhalefet parti oylama diplomasi zirve élection président ministre gouvernement parlement "
    "wahl präsident minister regierung parlament elección presidente ministro gobierno "
    "parlamento выбор президент министр правительств парламент انتخابات رئيس وزير حكومة "
    "برلمان رئیس‌جمهور وزیر دولت مجلس izbor predsjednik ministar vlada= vlade= vladi= "
    "parlament hilbijartin "
    "serok wezîr hikûmet",
    "12000000": "church mosque religious religion pope bishop imam muslim christian jewish "
    "islam ramadan cami= din= diyanet imam église mosquée religion kirche moschee religion "
    "iglesia mezquita религи церк мечет مسجد كنيسة دين مسجد کلیسا دین džamij crkv vjer",
    "13000000": "science scientist research researchers technology software internet "
    "artificial intelligence satellite space nasa rocket cyber digital bilim "
    "araştırma teknoloji yapay zeka uydu uzay science recherche technologie intelligence "
    "wissenschaft forschung technologie künstliche ciencia investigación tecnología науч "
    "исследован технолог спутник علم تقنية تكنولوجيا فضاء فناوری علم ماهواره nauk tehnolog",
    "14000000": "migrants migration refugees refugee asylum poverty protest protesters "
    "families women children rights discrimination göç göçmen mülteci sığınmacı yoksulluk "
    "protesto kadın migrants réfugiés pauvreté manifest flüchtling migration armut "
    "migrantes refugiados pobreza мигрант беженц бедност протест مهاجر لاجئ فقر احتجاج "
    "مهاجر پناهنده فقر اعتراض migrant izbjegl siromaš",
    "15000000": "football soccer match goal goals league championship cup tournament olympic "
    "coach player players tennis basketball win= victory defeat futbol maç gol= lig= şampiyon "
    "kupa turnuva takım teknik direktör football match championnat joueur équipe fußball spiel "
    "tor= meisterschaft mannschaft fútbol partido liga campeonato equipo футбол матч чемпионат "
    "турнир команд كرة مباراة بطولة فوتبال مسابقه لیگ nogomet fudbal utakmic prvenstv",
    "16000000": "war= wars= military army troops soldiers attack attacks airstrike missile "
    "missiles drone drones ceasefire killed militants offensive invasion shelling artillery "
    "weapons "
    "defence defense nato conflict peace savaş asker ordu saldırı füze ateşkes çatışma barış "
    "guerre armée soldats attaque frappe missile cessez-le-feu paix krieg armee soldaten angriff "
    "rakete waffenruhe frieden guerra ejército soldados ataque misil paz войн армия военн "
    "солдат удар ракет перемири حرب جيش هجوم صاروخ جنگ ارتش حمله موشک rat= vojsk napad raket "
    "şer= leşker",
    "17000000": "weather forecast rain snow temperatures heatwave cold storm meteorolog hava= "
    "durumu yağmur kar= sıcaklık météo pluie neige wetter regen schnee tiempo lluvia nieve "
    "погод дожд снег طقس أمطار آب‌وهوا باران برف vrijeme kiš snijeg",
}
