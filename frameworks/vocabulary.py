"""Fixed vocabularies of the file formats: the checks an employer makes on appointment, and the career
families roles belong to. Plain data, so the CLI can print their names without loading the models."""

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
