"""Fixed vocabularies of the file formats: the checks an employer makes on appointment, the career
families roles belong to, and the measures of workforce supply figures. Plain data, so the CLI and the
graph can use them without loading the models."""

CHECKS = {
    "dbs-enhanced": "Enhanced DBS check",
    "dbs-basic": "Basic DBS check",
    "english-maths": "English and maths at GCSE grade 4 (C) or Functional Skills Level 2, or working towards",
    "driving-licence": "A full driving licence",
    "values-based-recruitment": "Values-based recruitment (interview on care values)",
    "occupational-health": "Occupational health clearance",
    "nmc-registration": "Registration with the Nursing and Midwifery Council",
    "hcpc-registration": "Registration with the Health and Care Professions Council",
    "swe-registration": "Registration with Social Work England",
    "gphc-registration": "Registration with the General Pharmaceutical Council",
    "gdc-registration": "Registration with the General Dental Council",
    "care-certificate-on-induction": "The Care Certificate standards, completed on induction",
    "age-18-plus": "Aged 18 or over",
}
FAMILIES = {
    "nursing": "Nursing",
    "midwifery": "Midwifery and maternity",
    "therapies": "Allied health professions and therapies",
    "pharmacy": "Pharmacy",
    "ambulance": "Ambulance and urgent care",
    "healthcare-science": "Healthcare science",
    "mental-health": "Mental health",
    "learning-disability": "Learning disability and autism",
    "adult-social-care": "Adult social care",
    "social-work": "Social work",
    "public-health": "Public health and community wellbeing",
    "administration": "Administration and clinical support services",
    "estates-facilities": "Estates and facilities",
    "dental": "Dental",
    "imaging": "Imaging and radiography",
    "perioperative": "Perioperative (theatres)",
    "children-young-people": "Children, young people and families",
    "primary-care": "Primary care (general practice)",
}

ENTRY_LEVEL_MAX = 3  # roles up to this Career Framework level are recruited into from outside (school, other work)

# The measures a `kind: supply` figure may give, in the order they are shown.
SUPPLY_MEASURES = (
    "headcount",
    "fte",
    "vacancy_rate",
    "turnover_rate",
    "leavers_staying_in_sector",
    "aged_55_plus",
    "mean_pay",
)
