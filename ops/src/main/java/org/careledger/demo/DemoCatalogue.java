package org.careledger.demo;

import java.util.List;

/**
 * The vocabulary the demo region is drawn from: synthetic names and places, and clinical codes. Every SNOMED CT and
 * dm+d id here passes {@link org.careledger.record.ClinicalCode} validation (a test checks each one); the terms are
 * the concepts' usual descriptions. Nothing here is about a real person.
 */
final class DemoCatalogue {

    private DemoCatalogue() {
    }

    /** A coded concept with its display term. */
    record Concept(String code, String term) {
    }

    /** An observable with its UCUM unit and a plausible range (tenths allowed when {@code decimals} is 1). */
    record Measure(String code, String term, String unit, double low, double high, int decimals) {
    }

    static final List<String> MALE_GIVEN = List.of("Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie",
            "Thomas", "Oscar", "William", "James", "Henry", "Leo", "Alfie", "Joshua", "Freddie", "Archie", "Ethan",
            "Isaac", "Alexander", "Joseph", "Edward", "Samuel", "Max", "Daniel", "Arthur", "Lucas", "Mohammed",
            "Logan", "Theo", "Harrison", "Benjamin", "Mason", "Sebastian", "Finley", "Adam", "Dylan", "Zachary",
            "Riley", "Teddy", "David", "John", "Michael", "Peter", "Robert", "Stephen", "Paul", "Andrew", "Mark",
            "Richard", "Kevin", "Ian", "Colin", "Graham", "Keith", "Derek", "Raymond", "Dennis", "Kenneth", "Roy");
    static final List<String> FEMALE_GIVEN = List.of("Olivia", "Amelia", "Isla", "Ava", "Emily", "Isabella", "Mia",
            "Poppy", "Ella", "Lily", "Jessica", "Sophie", "Grace", "Evie", "Sophia", "Ruby", "Florence", "Freya",
            "Chloe", "Charlotte", "Daisy", "Phoebe", "Alice", "Sienna", "Matilda", "Evelyn", "Millie", "Ivy",
            "Rosie", "Willow", "Sarah", "Emma", "Laura", "Rachel", "Claire", "Helen", "Karen", "Susan", "Julie",
            "Lisa", "Nicola", "Joanne", "Amanda", "Deborah", "Margaret", "Patricia", "Jean", "Sheila", "Maureen",
            "Brenda", "Dorothy", "Joan", "Barbara", "Valerie", "Irene", "Aisha", "Fatima", "Priya", "Zainab", "Maryam");
    static final List<String> SURNAMES = List.of("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson",
            "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
            "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Davis",
            "Rodriguez", "Cox", "Alexander", "Morris", "Hughes", "Ward", "Turner", "Harris", "Martin", "Cooper",
            "Hill", "Moore", "Clark", "Baker", "Harrison", "Morgan", "Allen", "Young", "Scott", "King", "Watson",
            "Edwards", "Bennett", "Carter", "Shaw", "Collins", "Price", "Bailey", "Parker", "Marshall", "Ellis",
            "Chapman", "Webb", "Hunt", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell",
            "Fisher", "Stevens", "Jenkins", "Murphy", "Reid", "Hussain", "Ali", "Begum", "Ahmed", "Singh", "Kaur",
            "Nowak", "Kowalski", "O'Brien", "MacDonald", "Fraser", "Pearce", "Hart", "Gibson", "Dixon", "Spencer",
            "Burton", "Fletcher", "Lawrence", "Gardner", "Pritchard", "Tucker", "Pengelly", "Trelawny");
    static final List<String> STREETS = List.of("Church", "Station", "Victoria", "Park", "Mill", "Queen", "King",
            "Manor", "Orchard", "Meadow", "Chapel", "Castle", "Bridge", "Harbour", "Quay", "Fore", "Market", "Tor",
            "Moor", "Valley", "Cliff", "Beacon", "Priory", "Abbey", "Rectory", "Well", "Elm", "Oak", "Ash", "Beech",
            "Willow", "Chestnut", "Heather", "Foxglove", "Coombe", "Combe", "Ridge", "Windmill", "Tamar", "Dart");
    static final List<String> STREET_KINDS = List.of("Road", "Street", "Lane", "Close", "Avenue", "Way", "Gardens",
            "Crescent", "Terrace", "Drive", "Hill", "Place", "Court", "View", "Rise");

    /** A town of the (fictional) region and its postcode district. */
    record Town(String name, String district) {
    }

    static final List<Town> TOWNS = List.of(new Town("Kingsbridge", "TQ7"), new Town("Totnes", "TQ9"),
            new Town("Dartmouth", "TQ6"), new Town("Newton Abbot", "TQ12"), new Town("Teignmouth", "TQ14"),
            new Town("Ashburton", "TQ13"), new Town("Tavistock", "PL19"), new Town("Ivybridge", "PL21"),
            new Town("Okehampton", "EX20"), new Town("Crediton", "EX17"), new Town("Tiverton", "EX16"),
            new Town("Honiton", "EX14"), new Town("Sidmouth", "EX10"), new Town("Exmouth", "EX8"),
            new Town("Bideford", "EX39"), new Town("Barnstaple", "EX31"), new Town("Holsworthy", "EX22"),
            new Town("Launceston", "PL15"), new Town("Liskeard", "PL14"), new Town("Saltash", "PL12"));

    /** Letters used in the inward part of a postcode (no C, I, K, M, O, V). */
    static final String POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

    static final List<Concept> PROBLEMS = List.of(
            new Concept("44054006", "Type 2 diabetes mellitus"),
            new Concept("38341003", "Hypertensive disorder"),
            new Concept("195967001", "Asthma"),
            new Concept("13645005", "Chronic obstructive lung disease"),
            new Concept("49436004", "Atrial fibrillation"),
            new Concept("53741008", "Coronary arteriosclerosis"),
            new Concept("69896004", "Rheumatoid arthritis"),
            new Concept("396275006", "Osteoarthritis"),
            new Concept("709044004", "Chronic kidney disease"),
            new Concept("84114007", "Heart failure"),
            new Concept("40930008", "Hypothyroidism"),
            new Concept("230690007", "Cerebrovascular accident"),
            new Concept("52448006", "Dementia"),
            new Concept("37796009", "Migraine"),
            new Concept("84757009", "Epilepsy"),
            new Concept("414916001", "Obesity"),
            new Concept("55822004", "Hyperlipidaemia"),
            new Concept("271737000", "Anaemia"),
            new Concept("235595009", "Gastro-oesophageal reflux disease"));

    /** Mental health diagnoses: recorded as PROBLEMS by the GP or in MENTAL_HEALTH by the mental health trust. */
    static final List<Concept> MENTAL_HEALTH_PROBLEMS = List.of(
            new Concept("35489007", "Depressive disorder"),
            new Concept("197480006", "Anxiety disorder"),
            new Concept("58214004", "Schizophrenia"),
            new Concept("13746004", "Bipolar disorder"));

    static final List<Concept> ALLERGIES = List.of(
            new Concept("91936005", "Allergy to penicillin"),
            new Concept("294505008", "Allergy to amoxicillin"),
            new Concept("91935009", "Allergy to peanut"),
            new Concept("300913006", "Shellfish allergy"),
            new Concept("293586001", "Allergy to aspirin"),
            new Concept("418689008", "Allergy to grass pollen"),
            new Concept("232347008", "Allergy to animal dander"),
            new Concept("300916003", "Latex allergy"));

    static final Concept NO_KNOWN_ALLERGY = new Concept("716186003", "No known allergy");

    /** dm+d virtual medicinal products. */
    static final List<Concept> MEDICATIONS = List.of(
            new Concept("322236009", "Paracetamol 500mg tablets"),
            new Concept("319773006", "Amlodipine 5mg tablets"),
            new Concept("317972000", "Omeprazole 20mg gastro-resistant capsules"),
            new Concept("324252006", "Amoxicillin 500mg capsules"),
            new Concept("321987003", "Citalopram 20mg tablets"),
            new Concept("320000009", "Simvastatin 40mg tablets"),
            new Concept("320276009", "Salbutamol 100micrograms/dose inhaler CFC free"),
            new Concept("318900007", "Ramipril 2.5mg capsules"),
            new Concept("329652003", "Ibuprofen 400mg tablets"),
            new Concept("319740004", "Atenolol 50mg tablets"));

    static final List<String> DOSAGES = List.of("One to be taken once a day", "One to be taken twice a day",
            "One to be taken three times a day", "Two puffs when required", "One to be taken each morning",
            "One to be taken at night", "One or two to be taken up to four times a day when required");

    static final Measure SYSTOLIC = new Measure("271649006", "Systolic blood pressure", "mm[Hg]", 100, 170, 0);
    static final Measure DIASTOLIC = new Measure("271650006", "Diastolic blood pressure", "mm[Hg]", 60, 100, 0);
    static final Measure WEIGHT = new Measure("27113001", "Body weight", "kg", 48, 120, 1);
    static final Measure HEIGHT = new Measure("50373000", "Body height", "cm", 150, 195, 0);
    static final Measure BMI = new Measure("60621009", "Body mass index", "kg/m2", 18, 38, 1);
    static final Measure HEART_RATE = new Measure("364075005", "Heart rate", "/min", 55, 100, 0);
    static final Measure RESPIRATORY_RATE = new Measure("86290005", "Respiratory rate", "/min", 12, 22, 0);
    static final Measure SPO2 = new Measure("431314004", "Peripheral oxygen saturation", "%", 92, 100, 0);
    static final Measure TEMPERATURE = new Measure("386725007", "Body temperature", "Cel", 36.0, 38.4, 1);

    static final List<Measure> OBSERVATIONS = List.of(SYSTOLIC, DIASTOLIC, WEIGHT, HEIGHT, BMI, HEART_RATE,
            RESPIRATORY_RATE, SPO2, TEMPERATURE);

    static final List<Measure> TEST_RESULTS = List.of(
            new Measure("43396009", "Haemoglobin A1c measurement", "mmol/mol", 32, 86, 0),
            new Measure("80274001", "Glomerular filtration rate", "mL/min/{1.73_m2}", 35, 110, 0),
            new Measure("1003671000000109", "Haemoglobin concentration", "g/L", 105, 165, 0),
            new Measure("1000731000000107", "Serum creatinine level", "umol/L", 55, 140, 0),
            new Measure("271236005", "Serum potassium level", "mmol/L", 3.4, 5.3, 1),
            new Measure("252150008", "Fasting lipid profile: total cholesterol", "mmol/L", 3.2, 7.4, 1));

    static final List<Concept> IMMUNISATIONS = List.of(
            new Concept("86198006", "Influenza vaccination"),
            new Concept("1324681000000101", "COVID-19 vaccination"),
            new Concept("12866006", "Pneumococcal vaccination"),
            new Concept("38598009", "Measles, mumps and rubella vaccination"),
            new Concept("76668005", "Tetanus vaccination"),
            new Concept("722215002", "Shingles vaccination"));

    static final Concept GENERAL_CHECK_UP = new Concept("185349003", "Encounter for check up");
    static final Concept CONSULTATION = new Concept("11429006", "Consultation");
    static final Concept CLINIC_LETTER = new Concept("371531000", "Report of clinical encounter");
    static final Concept REFERRAL = new Concept("3457005", "Patient referral");
    static final Concept PSYCHIATRY_REFERRAL = new Concept("183524004", "Referral to psychiatry service");
    static final Concept CARE_PLAN = new Concept("734163000", "Care plan");
    static final Concept WOUND_CARE = new Concept("225358003", "Wound care");
    static final Concept DRUG_ADMINISTRATION = new Concept("18629005", "Administration of drug or medicament");

    static final List<String> PRESENTING_COMPLAINTS = List.of("sore throat for three days", "lower back pain",
            "persistent cough", "review of blood pressure", "medication review", "knee pain on walking",
            "tiredness", "rash on forearm", "headaches", "earache", "chest tightness on exertion", "low mood",
            "dizzy spells", "indigestion", "annual chronic disease review");
    static final List<String> OOH_COMPLAINTS = List.of("fever and vomiting overnight", "breathlessness in the evening",
            "abdominal pain since the afternoon", "fall at home, no head injury", "urinary symptoms, weekend call",
            "chest infection symptoms, unable to reach own practice");
    static final List<String> SPECIALTIES = List.of("Cardiology", "Dermatology", "Diabetes and endocrinology",
            "Musculoskeletal", "Respiratory", "Gastroenterology", "Ear, nose and throat", "Ophthalmology",
            "Gynaecology", "Urology", "Rheumatology", "Memory assessment");
    static final List<String> NURSING_TASKS = List.of("Leg ulcer dressing changed, healing well",
            "Catheter care and review", "Insulin administration and blood glucose check",
            "Pressure area assessment, skin intact", "Post-operative wound review, sutures removed",
            "Anticoagulant injection given", "Falls risk assessment completed");
    static final List<String> MENTAL_HEALTH_NOTES = List.of("Initial assessment by community mental health team",
            "Review: mood improving on current treatment", "Care coordinator visit, risk reviewed, no current concerns",
            "Psychological therapy: session notes summarised", "Crisis plan agreed with patient and family");
    static final List<String> SOCIAL_CARE_NOTES = List.of("Care Act assessment completed: eligible needs identified",
            "Package of care started: two visits a day", "Carer's assessment offered to spouse",
            "Review of package of care: needs unchanged", "Equipment provided: perching stool and grab rails");
    static final List<String> SAFEGUARDING_NOTES = List.of("Safeguarding concern raised and discussed with the safeguarding lead",
            "Third-party information received about household; shared on a need-to-know basis",
            "Multi-agency meeting held; safety plan agreed");
    static final List<String> SOCIAL_CONTEXT = List.of("Lives alone, independent with daily activities",
            "Lives with partner, independent", "Lives with family, supported with shopping",
            "Lives in sheltered housing with a warden", "Student, lives in shared accommodation");
}
