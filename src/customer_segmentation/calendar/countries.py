"""Country reference rows and the alias table that maps free-text country names to codes.

Sources:

* codes, alpha-3 codes and English names come from the ``holidays`` library's registry
  (``holidays.registry.COUNTRIES``), which in 0.109 covers every ISO 3166-1 country plus
  Kosovo (``XK``). Its alpha-3 aliases are not all ISO codes (``BLG`` for Bulgaria, ``BAH``
  for Bahrain, ...): :data:`ALPHA3_FIXES` corrects them.
* continent, UN sub-region, hemisphere, timezone and currency are written by hand in this
  module: no installed library provides continent, UN sub-region or hemisphere, and a
  literal table keeps the seed independent of the installed tzdata / CLDR versions.
  Timezones and currencies were cross-checked against ``zone.tab`` and CLDR (babel 2.18)
  when the table was written.
"""

from __future__ import annotations

from dataclasses import dataclass

import holidays
from holidays.registry import COUNTRIES as HOLIDAYS_REGISTRY

CONTINENTS: tuple[str, ...] = (
    "Africa",
    "Antarctica",
    "Asia",
    "Europe",
    "North America",
    "Oceania",
    "South America",
)

# UN M49 sub-region -> continent. The Americas are split into North America (Northern
# America, Central America, Caribbean) and South America. Antarctica is not an M49
# sub-region; it is listed because the holidays library supports AQ.
REGION_CONTINENT: dict[str, str] = {
    "Northern Africa": "Africa",
    "Eastern Africa": "Africa",
    "Middle Africa": "Africa",
    "Southern Africa": "Africa",
    "Western Africa": "Africa",
    "Caribbean": "North America",
    "Central America": "North America",
    "Northern America": "North America",
    "South America": "South America",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Western Asia": "Asia",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
    "Antarctica": "Antarctica",
}

# Hand-written: UN M49 sub-region members (M49 follows geography, so Cyprus, Turkey and the
# Caucasus are Western Asia; Kosovo, absent from M49, sits with its neighbours).
REGION_MEMBERS: dict[str, str] = {
    "Northern Africa": "DZ EG EH LY MA SD TN",
    "Eastern Africa": "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW",
    "Middle Africa": "AO CD CF CG CM GA GQ ST TD",
    "Southern Africa": "BW LS NA SZ ZA",
    "Western Africa": "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",
    "Caribbean": "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC "
    "TT VC VG VI",
    "Central America": "BZ CR GT HN MX NI PA SV",
    "Northern America": "BM CA GL PM US",
    "South America": "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE",
    "Central Asia": "KG KZ TJ TM UZ",
    "Eastern Asia": "CN HK JP KP KR MN MO TW",
    "South-eastern Asia": "BN ID KH LA MM MY PH SG TH TL VN",
    "Southern Asia": "AF BD BT IN IR LK MV NP PK",
    "Western Asia": "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE",
    "Eastern Europe": "BG BY CZ HU MD PL RO RU SK UA",
    "Northern Europe": "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ",
    "Southern Europe": "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA XK",
    "Western Europe": "AT BE CH DE FR LI LU MC NL",
    "Australia and New Zealand": "AU CC CX HM NF NZ",
    "Melanesia": "FJ NC PG SB VU",
    "Micronesia": "FM GU KI MH MP NR PW UM",
    "Polynesia": "AS CK NU PF PN TK TO TV WF WS",
    "Antarctica": "AQ",
}

# Hand-written: countries where most people live south of the equator (Indonesia: Java;
# Kenya, DR Congo, Ecuador: their capitals and most populous regions). Uninhabited
# southern territories (AQ BV GS HM TF) are southern by location.
_SOUTHERN = (
    "AO AQ AR AS AU BI BO BR BV BW CC CD CG CK CL CX EC FJ FK GS HM ID IO KE KM LS MG "
    "MU MW MZ NA NC NF NR NU NZ PE PF PG PN PY RE RW SB SC SH SZ TF TK TL TO TV TZ UY "
    "VU WF WS YT ZA ZM ZW"
)
SOUTHERN_HEMISPHERE: frozenset[str] = frozenset(_SOUTHERN.split(" "))

# Hand-written: one representative IANA zone (the most populous one) and the ISO 4217
# currency in everyday use. Kosovo uses Europe/Belgrade (tzdata has no XK entry); the
# uninhabited BV and HM get the zone of their administering country / nearest territory;
# Antarctica has no currency (empty).
GEO: dict[str, tuple[str, str]] = {
    "AD": ("Europe/Andorra", "EUR"),
    "AE": ("Asia/Dubai", "AED"),
    "AF": ("Asia/Kabul", "AFN"),
    "AG": ("America/Antigua", "XCD"),
    "AI": ("America/Anguilla", "XCD"),
    "AL": ("Europe/Tirane", "ALL"),
    "AM": ("Asia/Yerevan", "AMD"),
    "AO": ("Africa/Luanda", "AOA"),
    "AQ": ("Antarctica/McMurdo", ""),
    "AR": ("America/Argentina/Buenos_Aires", "ARS"),
    "AS": ("Pacific/Pago_Pago", "USD"),
    "AT": ("Europe/Vienna", "EUR"),
    "AU": ("Australia/Sydney", "AUD"),
    "AW": ("America/Aruba", "AWG"),
    "AX": ("Europe/Mariehamn", "EUR"),
    "AZ": ("Asia/Baku", "AZN"),
    "BA": ("Europe/Sarajevo", "BAM"),
    "BB": ("America/Barbados", "BBD"),
    "BD": ("Asia/Dhaka", "BDT"),
    "BE": ("Europe/Brussels", "EUR"),
    "BF": ("Africa/Ouagadougou", "XOF"),
    "BG": ("Europe/Sofia", "EUR"),  # euro since 2026-01-01
    "BH": ("Asia/Bahrain", "BHD"),
    "BI": ("Africa/Bujumbura", "BIF"),
    "BJ": ("Africa/Porto-Novo", "XOF"),
    "BL": ("America/St_Barthelemy", "EUR"),
    "BM": ("Atlantic/Bermuda", "BMD"),
    "BN": ("Asia/Brunei", "BND"),
    "BO": ("America/La_Paz", "BOB"),
    "BQ": ("America/Kralendijk", "USD"),
    "BR": ("America/Sao_Paulo", "BRL"),
    "BS": ("America/Nassau", "BSD"),
    "BT": ("Asia/Thimphu", "BTN"),
    "BV": ("Europe/Oslo", "NOK"),
    "BW": ("Africa/Gaborone", "BWP"),
    "BY": ("Europe/Minsk", "BYN"),
    "BZ": ("America/Belize", "BZD"),
    "CA": ("America/Toronto", "CAD"),
    "CC": ("Indian/Cocos", "AUD"),
    "CD": ("Africa/Kinshasa", "CDF"),
    "CF": ("Africa/Bangui", "XAF"),
    "CG": ("Africa/Brazzaville", "XAF"),
    "CH": ("Europe/Zurich", "CHF"),
    "CI": ("Africa/Abidjan", "XOF"),
    "CK": ("Pacific/Rarotonga", "NZD"),
    "CL": ("America/Santiago", "CLP"),
    "CM": ("Africa/Douala", "XAF"),
    "CN": ("Asia/Shanghai", "CNY"),
    "CO": ("America/Bogota", "COP"),
    "CR": ("America/Costa_Rica", "CRC"),
    "CU": ("America/Havana", "CUP"),
    "CV": ("Atlantic/Cape_Verde", "CVE"),
    "CW": ("America/Curacao", "XCG"),
    "CX": ("Indian/Christmas", "AUD"),
    "CY": ("Asia/Nicosia", "EUR"),
    "CZ": ("Europe/Prague", "CZK"),
    "DE": ("Europe/Berlin", "EUR"),
    "DJ": ("Africa/Djibouti", "DJF"),
    "DK": ("Europe/Copenhagen", "DKK"),
    "DM": ("America/Dominica", "XCD"),
    "DO": ("America/Santo_Domingo", "DOP"),
    "DZ": ("Africa/Algiers", "DZD"),
    "EC": ("America/Guayaquil", "USD"),
    "EE": ("Europe/Tallinn", "EUR"),
    "EG": ("Africa/Cairo", "EGP"),
    "EH": ("Africa/El_Aaiun", "MAD"),
    "ER": ("Africa/Asmara", "ERN"),
    "ES": ("Europe/Madrid", "EUR"),
    "ET": ("Africa/Addis_Ababa", "ETB"),
    "FI": ("Europe/Helsinki", "EUR"),
    "FJ": ("Pacific/Fiji", "FJD"),
    "FK": ("Atlantic/Stanley", "FKP"),
    "FM": ("Pacific/Chuuk", "USD"),
    "FO": ("Atlantic/Faroe", "DKK"),
    "FR": ("Europe/Paris", "EUR"),
    "GA": ("Africa/Libreville", "XAF"),
    "GB": ("Europe/London", "GBP"),
    "GD": ("America/Grenada", "XCD"),
    "GE": ("Asia/Tbilisi", "GEL"),
    "GF": ("America/Cayenne", "EUR"),
    "GG": ("Europe/Guernsey", "GBP"),
    "GH": ("Africa/Accra", "GHS"),
    "GI": ("Europe/Gibraltar", "GIP"),
    "GL": ("America/Nuuk", "DKK"),
    "GM": ("Africa/Banjul", "GMD"),
    "GN": ("Africa/Conakry", "GNF"),
    "GP": ("America/Guadeloupe", "EUR"),
    "GQ": ("Africa/Malabo", "XAF"),
    "GR": ("Europe/Athens", "EUR"),
    "GS": ("Atlantic/South_Georgia", "GBP"),
    "GT": ("America/Guatemala", "GTQ"),
    "GU": ("Pacific/Guam", "USD"),
    "GW": ("Africa/Bissau", "XOF"),
    "GY": ("America/Guyana", "GYD"),
    "HK": ("Asia/Hong_Kong", "HKD"),
    "HM": ("Indian/Kerguelen", "AUD"),
    "HN": ("America/Tegucigalpa", "HNL"),
    "HR": ("Europe/Zagreb", "EUR"),
    "HT": ("America/Port-au-Prince", "HTG"),
    "HU": ("Europe/Budapest", "HUF"),
    "ID": ("Asia/Jakarta", "IDR"),
    "IE": ("Europe/Dublin", "EUR"),
    "IL": ("Asia/Jerusalem", "ILS"),
    "IM": ("Europe/Isle_of_Man", "GBP"),
    "IN": ("Asia/Kolkata", "INR"),
    "IO": ("Indian/Chagos", "USD"),
    "IQ": ("Asia/Baghdad", "IQD"),
    "IR": ("Asia/Tehran", "IRR"),
    "IS": ("Atlantic/Reykjavik", "ISK"),
    "IT": ("Europe/Rome", "EUR"),
    "JE": ("Europe/Jersey", "GBP"),
    "JM": ("America/Jamaica", "JMD"),
    "JO": ("Asia/Amman", "JOD"),
    "JP": ("Asia/Tokyo", "JPY"),
    "KE": ("Africa/Nairobi", "KES"),
    "KG": ("Asia/Bishkek", "KGS"),
    "KH": ("Asia/Phnom_Penh", "KHR"),
    "KI": ("Pacific/Tarawa", "AUD"),
    "KM": ("Indian/Comoro", "KMF"),
    "KN": ("America/St_Kitts", "XCD"),
    "KP": ("Asia/Pyongyang", "KPW"),
    "KR": ("Asia/Seoul", "KRW"),
    "KW": ("Asia/Kuwait", "KWD"),
    "KY": ("America/Cayman", "KYD"),
    "KZ": ("Asia/Almaty", "KZT"),
    "LA": ("Asia/Vientiane", "LAK"),
    "LB": ("Asia/Beirut", "LBP"),
    "LC": ("America/St_Lucia", "XCD"),
    "LI": ("Europe/Vaduz", "CHF"),
    "LK": ("Asia/Colombo", "LKR"),
    "LR": ("Africa/Monrovia", "LRD"),
    "LS": ("Africa/Maseru", "LSL"),
    "LT": ("Europe/Vilnius", "EUR"),
    "LU": ("Europe/Luxembourg", "EUR"),
    "LV": ("Europe/Riga", "EUR"),
    "LY": ("Africa/Tripoli", "LYD"),
    "MA": ("Africa/Casablanca", "MAD"),
    "MC": ("Europe/Monaco", "EUR"),
    "MD": ("Europe/Chisinau", "MDL"),
    "ME": ("Europe/Podgorica", "EUR"),
    "MF": ("America/Marigot", "EUR"),
    "MG": ("Indian/Antananarivo", "MGA"),
    "MH": ("Pacific/Majuro", "USD"),
    "MK": ("Europe/Skopje", "MKD"),
    "ML": ("Africa/Bamako", "XOF"),
    "MM": ("Asia/Yangon", "MMK"),
    "MN": ("Asia/Ulaanbaatar", "MNT"),
    "MO": ("Asia/Macau", "MOP"),
    "MP": ("Pacific/Saipan", "USD"),
    "MQ": ("America/Martinique", "EUR"),
    "MR": ("Africa/Nouakchott", "MRU"),
    "MS": ("America/Montserrat", "XCD"),
    "MT": ("Europe/Malta", "EUR"),
    "MU": ("Indian/Mauritius", "MUR"),
    "MV": ("Indian/Maldives", "MVR"),
    "MW": ("Africa/Blantyre", "MWK"),
    "MX": ("America/Mexico_City", "MXN"),
    "MY": ("Asia/Kuala_Lumpur", "MYR"),
    "MZ": ("Africa/Maputo", "MZN"),
    "NA": ("Africa/Windhoek", "NAD"),
    "NC": ("Pacific/Noumea", "XPF"),
    "NE": ("Africa/Niamey", "XOF"),
    "NF": ("Pacific/Norfolk", "AUD"),
    "NG": ("Africa/Lagos", "NGN"),
    "NI": ("America/Managua", "NIO"),
    "NL": ("Europe/Amsterdam", "EUR"),
    "NO": ("Europe/Oslo", "NOK"),
    "NP": ("Asia/Kathmandu", "NPR"),
    "NR": ("Pacific/Nauru", "AUD"),
    "NU": ("Pacific/Niue", "NZD"),
    "NZ": ("Pacific/Auckland", "NZD"),
    "OM": ("Asia/Muscat", "OMR"),
    "PA": ("America/Panama", "PAB"),
    "PE": ("America/Lima", "PEN"),
    "PF": ("Pacific/Tahiti", "XPF"),
    "PG": ("Pacific/Port_Moresby", "PGK"),
    "PH": ("Asia/Manila", "PHP"),
    "PK": ("Asia/Karachi", "PKR"),
    "PL": ("Europe/Warsaw", "PLN"),
    "PM": ("America/Miquelon", "EUR"),
    "PN": ("Pacific/Pitcairn", "NZD"),
    "PR": ("America/Puerto_Rico", "USD"),
    "PS": ("Asia/Hebron", "ILS"),
    "PT": ("Europe/Lisbon", "EUR"),
    "PW": ("Pacific/Palau", "USD"),
    "PY": ("America/Asuncion", "PYG"),
    "QA": ("Asia/Qatar", "QAR"),
    "RE": ("Indian/Reunion", "EUR"),
    "RO": ("Europe/Bucharest", "RON"),
    "RS": ("Europe/Belgrade", "RSD"),
    "RU": ("Europe/Moscow", "RUB"),
    "RW": ("Africa/Kigali", "RWF"),
    "SA": ("Asia/Riyadh", "SAR"),
    "SB": ("Pacific/Guadalcanal", "SBD"),
    "SC": ("Indian/Mahe", "SCR"),
    "SD": ("Africa/Khartoum", "SDG"),
    "SE": ("Europe/Stockholm", "SEK"),
    "SG": ("Asia/Singapore", "SGD"),
    "SH": ("Atlantic/St_Helena", "SHP"),
    "SI": ("Europe/Ljubljana", "EUR"),
    "SJ": ("Arctic/Longyearbyen", "NOK"),
    "SK": ("Europe/Bratislava", "EUR"),
    "SL": ("Africa/Freetown", "SLE"),
    "SM": ("Europe/San_Marino", "EUR"),
    "SN": ("Africa/Dakar", "XOF"),
    "SO": ("Africa/Mogadishu", "SOS"),
    "SR": ("America/Paramaribo", "SRD"),
    "SS": ("Africa/Juba", "SSP"),
    "ST": ("Africa/Sao_Tome", "STN"),
    "SV": ("America/El_Salvador", "USD"),
    "SX": ("America/Lower_Princes", "XCG"),
    "SY": ("Asia/Damascus", "SYP"),
    "SZ": ("Africa/Mbabane", "SZL"),
    "TC": ("America/Grand_Turk", "USD"),
    "TD": ("Africa/Ndjamena", "XAF"),
    "TF": ("Indian/Kerguelen", "EUR"),
    "TG": ("Africa/Lome", "XOF"),
    "TH": ("Asia/Bangkok", "THB"),
    "TJ": ("Asia/Dushanbe", "TJS"),
    "TK": ("Pacific/Fakaofo", "NZD"),
    "TL": ("Asia/Dili", "USD"),
    "TM": ("Asia/Ashgabat", "TMT"),
    "TN": ("Africa/Tunis", "TND"),
    "TO": ("Pacific/Tongatapu", "TOP"),
    "TR": ("Europe/Istanbul", "TRY"),
    "TT": ("America/Port_of_Spain", "TTD"),
    "TV": ("Pacific/Funafuti", "AUD"),
    "TW": ("Asia/Taipei", "TWD"),
    "TZ": ("Africa/Dar_es_Salaam", "TZS"),
    "UA": ("Europe/Kyiv", "UAH"),
    "UG": ("Africa/Kampala", "UGX"),
    "UM": ("Pacific/Wake", "USD"),
    "US": ("America/New_York", "USD"),
    "UY": ("America/Montevideo", "UYU"),
    "UZ": ("Asia/Tashkent", "UZS"),
    "VA": ("Europe/Vatican", "EUR"),
    "VC": ("America/St_Vincent", "XCD"),
    "VE": ("America/Caracas", "VES"),
    "VG": ("America/Tortola", "USD"),
    "VI": ("America/St_Thomas", "USD"),
    "VN": ("Asia/Ho_Chi_Minh", "VND"),
    "VU": ("Pacific/Efate", "VUV"),
    "WF": ("Pacific/Wallis", "XPF"),
    "WS": ("Pacific/Apia", "WST"),
    "XK": ("Europe/Belgrade", "EUR"),
    "YE": ("Asia/Aden", "YER"),
    "YT": ("Indian/Mayotte", "EUR"),
    "ZA": ("Africa/Johannesburg", "ZAR"),
    "ZM": ("Africa/Lusaka", "ZMW"),
    "ZW": ("Africa/Harare", "ZWG"),
}

# The holidays registry's third element is the library's alpha-3 alias; these are not the
# ISO 3166-1 alpha-3 codes. XK is user-assigned in ISO 3166; XKX is the code the EU and
# IMF use.
ALPHA3_FIXES: dict[str, str] = {
    "BG": "BGR",
    "BH": "BHR",
    "GT": "GTM",
    "MA": "MAR",
    "SZ": "SWZ",
    "VU": "VUT",
    "XK": "XKX",
}

# English names where the title-cased registry key is not the usual English short name.
NAME_OVERRIDES: dict[str, str] = {
    "BQ": "Bonaire, Sint Eustatius and Saba",
    "CC": "Cocos (Keeling) Islands",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "GW": "Guinea-Bissau",
    "HK": "Hong Kong",
    "HM": "Heard Island and McDonald Islands",
    "SH": "Saint Helena, Ascension and Tristan da Cunha",
    "SY": "Syria",
    "TL": "Timor-Leste",
}

_SMALL_WORDS = frozenset({"and", "of", "the", "da"})

# Spellings that mean "no particular country": they map to an EMPTY code so staging can
# tell "known to be unknown" (alias found, code empty) from "never seen" (no alias).
NO_COUNTRY_ALIASES: tuple[str, ...] = (
    "european community",
    "european union",
    "n/a",
    "unknown",
    "unspecified",
)

# Common variants beyond code / alpha-3 / name. UCI "Online Retail" spellings included:
# "EIRE", "RSA", "USA", "Channel Islands". The Channel Islands are Jersey (JE) plus
# Guernsey (GG) and the export does not say which: they map to GB, with which they form
# a customs union and share the pound and most public holidays.
EXTRA_ALIASES: dict[str, str] = {
    "america": "US",
    "aland islands": "AX",
    "åland islands": "AX",
    "britain": "GB",
    "brunei darussalam": "BN",
    "burma": "MM",
    "cape verde": "CV",
    "channel islands": "GB",
    "congo-brazzaville": "CG",
    "congo-kinshasa": "CD",
    "cote d'ivoire": "CI",
    "côte d'ivoire": "CI",
    "c\u00f4te d\u2019ivoire": "CI",  # typographic apostrophe
    "curaçao": "CW",
    "czech republic": "CZ",
    "democratic people's republic of korea": "KP",
    "deutschland": "DE",
    "dr congo": "CD",
    "drc": "CD",
    "east timor": "TL",
    "eire": "IE",
    "england": "GB",
    "federated states of micronesia": "FM",
    "great britain": "GB",
    "holland": "NL",
    "holy see": "VA",
    "hongkong": "HK",
    "korea": "KR",
    "macao": "MO",
    "macedonia": "MK",
    "northern ireland": "GB",
    "palestinian territories": "PS",
    "republic of ireland": "IE",
    "republic of korea": "KR",
    "republic of south africa": "ZA",
    "rsa": "ZA",
    "russian federation": "RU",
    "réunion": "RE",
    "saint barthélemy": "BL",
    "saint helena": "SH",
    "scotland": "GB",
    "state of palestine": "PS",
    "swaziland": "SZ",
    "syrian arab republic": "SY",
    "são tomé and príncipe": "ST",
    "the netherlands": "NL",
    "turkiye": "TR",
    "türkiye": "TR",
    "u.k.": "GB",
    "u.s.": "US",
    "u.s.a.": "US",
    "uae": "AE",
    "uk": "GB",
    "united states of america": "US",
    "us": "US",
    "vatican": "VA",
    "viet nam": "VN",
    "wales": "GB",
    "xkk": "XK",
}

# Distinct ``Country`` values of the UCI "Online Retail" export (2010-12-01 .. 2011-12-09).
UCI_COUNTRY_NAMES: tuple[str, ...] = (
    "Australia", "Austria", "Bahrain", "Belgium", "Brazil", "Canada", "Channel Islands",
    "Cyprus", "Czech Republic", "Denmark", "EIRE", "European Community", "Finland", "France",
    "Germany", "Greece", "Hong Kong", "Iceland", "Israel", "Italy", "Japan", "Lebanon",
    "Lithuania", "Malta", "Netherlands", "Norway", "Poland", "Portugal", "RSA",
    "Saudi Arabia", "Singapore", "Spain", "Sweden", "Switzerland", "USA",
    "United Arab Emirates", "United Kingdom", "Unspecified",
)


@dataclass(frozen=True)
class Country:
    country_code: str
    country_alpha3: str
    country_name: str
    continent: str
    region: str
    hemisphere: str
    timezone: str
    currency_code: str
    holiday_calendar_supported: bool


def normalise_alias(text: str) -> str:
    """Lower-case, trimmed, inner whitespace collapsed to one space (as staging does)."""
    return " ".join(text.split()).lower()


def name_from_registry_key(key: str) -> str:
    """``bosnia_and_herzegovina`` -> ``Bosnia and Herzegovina``."""
    words = key.split("_")
    return " ".join(
        w if i and w in _SMALL_WORDS else w.capitalize() for i, w in enumerate(words)
    )


def region_of() -> dict[str, str]:
    """Country code -> UN sub-region, from :data:`REGION_MEMBERS`."""
    out: dict[str, str] = {}
    for region, members in REGION_MEMBERS.items():
        for code in members.split():
            if code in out:
                raise ValueError(f"{code} is listed in two regions")
            out[code] = region
    return out


def registry_countries() -> dict[str, tuple[str, str]]:
    """Alpha-2 -> (ISO alpha-3, English name) for every country the holidays library has."""
    out: dict[str, tuple[str, str]] = {}
    for key, (_cls, alpha2, alpha3, *_aliases) in HOLIDAYS_REGISTRY.items():
        name = NAME_OVERRIDES.get(alpha2, name_from_registry_key(key))
        out[alpha2] = (ALPHA3_FIXES.get(alpha2, alpha3), name)
    return out


def supported_codes() -> frozenset[str]:
    """Alpha-2 codes the holidays library has a calendar for."""
    return frozenset(c for c in holidays.list_supported_countries() if len(c) == 2)


def build_countries() -> list[Country]:
    """One row per country, sorted by code."""
    regions = region_of()
    supported = supported_codes()
    rows = []
    for code, (alpha3, name) in sorted(registry_countries().items()):
        if code not in regions or code not in GEO:
            raise ValueError(f"{code} ({name}) is missing from the hand-written tables")
        region = regions[code]
        timezone, currency = GEO[code]
        rows.append(
            Country(
                country_code=code,
                country_alpha3=alpha3,
                country_name=name,
                continent=REGION_CONTINENT[region],
                region=region,
                hemisphere="southern" if code in SOUTHERN_HEMISPHERE else "northern",
                timezone=timezone,
                currency_code=currency,
                holiday_calendar_supported=code in supported,
            )
        )
    unknown = (set(regions) | set(GEO) | SOUTHERN_HEMISPHERE) - {r.country_code for r in rows}
    if unknown:
        raise ValueError(f"hand-written tables list codes the registry lacks: {sorted(unknown)}")
    return rows


def build_aliases(countries: list[Country]) -> dict[str, str]:
    """Normalised alias -> country code ('' = known to mean no country)."""
    aliases: dict[str, str] = {}

    def add(alias: str, code: str) -> None:
        key = normalise_alias(alias)
        if aliases.get(key, code) != code:
            raise ValueError(f"alias {key!r} maps to both {aliases[key]} and {code}")
        aliases[key] = code

    for c in countries:
        add(c.country_code, c.country_code)
        add(c.country_alpha3, c.country_code)
        add(c.country_name, c.country_code)
    codes = {c.country_code for c in countries}
    for alias, code in EXTRA_ALIASES.items():
        if code not in codes:
            raise ValueError(f"alias {alias!r} maps to unknown code {code}")
        add(alias, code)
    for alias in NO_COUNTRY_ALIASES:
        add(alias, "")
    return dict(sorted(aliases.items()))


def resolve(aliases: dict[str, str], text: str) -> str | None:
    """Code for a free-text country ('' = no country, None = never seen)."""
    return aliases.get(normalise_alias(text))

