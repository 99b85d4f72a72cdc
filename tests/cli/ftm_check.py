#!/usr/bin/python3
"""Check that files of FollowTheMoney entities are what yente and Aleph read:
one JSON object a line with an id, a schema of FollowTheMoney, and only the
properties of that schema (inherited ones included), each a list of strings;
countries as ISO 3166-1 codes in lower case, languages as ISO 639-3, dates
as ISO 8601 prefixes, and every entity a property refers to in the file.

The properties are those of followthemoney's schema files (Thing,
LegalEntity, Organization, Company, PublicBody, Person, Project, Territory,
Interval, Interest, Ownership, Directorship, Membership, Employment,
Succession, UnknownLink, Documentation, Identification, Payment, Document)
as read for docs/ftm.md.

  ftm_check.py FILE...   exit 0 when every line of every file passes
"""
import json
import re
import sys

THING = set("""name summary description country alias previousName weakAlias sourceUrl publisher
publisherUrl alephUrl wikipediaUrl wikidataId keywords topics address addressEntity program programId
notes proof indexText createdAt modifiedAt retrievedAt""".split())
LEGAL = THING | set("""email phone website legalForm incorporationDate dissolutionDate taxStatus status
sector classification registrationNumber idNumber taxNumber licenseNumber vatCode jurisdiction
mainCountry opencorporatesUrl bvdId uscCode icijId okpoCode innCode ogrnCode leiCode dunsCode
uniqueEntityId npiCode swiftBic parent""".split())
ORG = LEGAL | set("cageCode permId imoNumber giiNumber".split())
COMPANY = ORG | set("""amount currency amountUsd capital voenCode coatoCode irsCode ipoCode cikCode
jibCode mbsCode ibcRuc caemCode kppCode okvedCode okopfCode fnsCode fssCode bikCode pfrNumber oksmCode
isinCode ticker ricCode""".split())
PERSON = LEGAL | set("""title firstName secondName middleName fatherName motherName lastName nameSuffix
birthDate birthPlace birthCountry deathDate position nationality citizenship passportNumber
socialSecurityNumber gender ethnicity height weight eyeColor hairColor appearance religion political
profession education spokenLanguage""".split())
INTERVAL = set("""startDate endDate date summary description recordId sourceUrl proof publisher
publisherUrl alephUrl namesMentioned indexText modifiedAt retrievedAt""".split())
INTEREST = INTERVAL | {"role", "status"}
SCHEMATA = {
    "Company": COMPANY, "Organization": ORG, "PublicBody": ORG, "Person": PERSON,
    "Project": THING | INTERVAL | {"projectId", "aim"},
    "Territory": THING | set("partOf level territoryCode fipsCode zipCode nutsCode".split()),
    "Ownership": INTEREST | set("""owner asset percentage sharesCount sharesValue sharesCurrency sharesType
legalBasis ownershipType""".split()),
    "Directorship": INTEREST | {"director", "organization", "secretary"},
    "Membership": INTEREST | {"member", "organization"},
    "Employment": INTEREST | {"employer", "employee"},
    "Succession": INTEREST | {"predecessor", "successor"},
    "UnknownLink": INTEREST | {"subject", "object"},
    "Documentation": INTEREST | {"document", "entity"},
    "Identification": INTERVAL | {"holder", "type", "number", "country", "authority"},
    "Payment": INTERVAL | set("""amount currency amountUsd amountEur payer payerAccount beneficiary
beneficiaryAccount sequenceNumber transactionNumber purpose programme project contract""".split()),
    "Document": THING | set("""contentHash title author generator crawler fileSize fileName extension encoding
messageId mimeType language detectedLanguage date authoredAt publishedAt parent ancestors""".split()),
}
REFS = set("""owner asset director organization member employer employee predecessor successor subject
object document entity holder payer beneficiary proof""".split())
COUNTRY = {"country", "jurisdiction", "mainCountry", "nationality", "citizenship", "birthCountry"}
DATES = {"startDate", "endDate", "date", "incorporationDate", "dissolutionDate", "publishedAt", "authoredAt",
         "birthDate", "deathDate", "createdAt", "modifiedAt", "retrievedAt"}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T[\d:]+)?)?)?$")


def main():
    problems, ids, refs = [], set(), []
    for path in sys.argv[1:]:
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            where = "%s:%d" % (path, n)
            e = json.loads(line)
            schema, props = e.get("schema"), e.get("properties")
            if not isinstance(e.get("id"), str) or not e["id"]:
                problems.append("%s: no id" % where)
            if schema not in SCHEMATA:
                problems.append("%s: schema %r is not one tiemap writes" % (where, schema))
                continue
            if e["id"] in ids:
                problems.append("%s: id %r twice" % (where, e["id"]))
            ids.add(e["id"])
            for key, values in props.items():
                if key not in SCHEMATA[schema]:
                    problems.append("%s: %s has no property %r" % (where, schema, key))
                if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
                    problems.append("%s: %r is not a list of strings" % (where, key))
                    continue
                for v in values:
                    if key in COUNTRY and not re.match(r"^[a-z]{2}$", v):
                        problems.append("%s: country %r" % (where, v))
                    if key == "language" and not re.match(r"^[a-z]{3}$", v):
                        problems.append("%s: language %r is not ISO 639-3" % (where, v))
                    if key in DATES and not DATE.match(v):
                        problems.append("%s: date %r" % (where, v))
                    if key in REFS:
                        refs.append((where, key, v))
            if "name" not in props and schema in ("Company", "Organization", "PublicBody", "Person", "Project",
                                                  "Territory"):
                problems.append("%s: %s without a name" % (where, schema))
    for where, key, v in refs:
        if v not in ids:
            problems.append("%s: %s refers to %r, which is not in the files" % (where, key, v))
    for p in problems[:20]:
        print(p)
    print("# %d entities checked, %d problems" % (len(ids), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
