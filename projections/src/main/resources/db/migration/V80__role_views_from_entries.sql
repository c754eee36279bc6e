-- ONE VIEW PER ROLE, computed rather than copied (ADR 27, superseding the copies of ADR 13): a role's view is the
-- entries of the sections the role reads under the policy in force, view_entry joined with view_role_section when
-- it is read. The copies held six rows per entry (a third of a bulk load's server time, a fifth of its database)
-- for a filter a read applies to one patient's entries in microseconds; being computed, a role view can no longer
-- fall behind its policy or its entries. The same names stay: view_role_entry for every role, view_role_entry_<role>
-- for one. ViewRebuild drops these views before it swaps the tables they read and recreates them from their
-- stored definitions after.
DROP TABLE view_role_entry;

CREATE VIEW view_role_entry AS
SELECT rs.role, e.entry_id, e.nhs_number, e.section, e.version, e.authoring_organisation, e.author_user,
       e.sensitivity, e.entered_in_error, e.content, e.recorded_at, e.effective_date, e.event_id
FROM view_role_section rs
         JOIN view_entry e ON e.section = rs.section;

CREATE VIEW view_role_entry_gp AS SELECT * FROM view_role_entry WHERE role = 'GP';
CREATE VIEW view_role_entry_practice_nurse AS SELECT * FROM view_role_entry WHERE role = 'PRACTICE_NURSE';
CREATE VIEW view_role_entry_practice_admin AS SELECT * FROM view_role_entry WHERE role = 'PRACTICE_ADMIN';
CREATE VIEW view_role_entry_district_nurse AS SELECT * FROM view_role_entry WHERE role = 'DISTRICT_NURSE';
CREATE VIEW view_role_entry_mental_health_practitioner AS SELECT * FROM view_role_entry WHERE role = 'MENTAL_HEALTH_PRACTITIONER';
CREATE VIEW view_role_entry_social_worker AS SELECT * FROM view_role_entry WHERE role = 'SOCIAL_WORKER';
CREATE VIEW view_role_entry_pharmacist AS SELECT * FROM view_role_entry WHERE role = 'PHARMACIST';
CREATE VIEW view_role_entry_ooh_clinician AS SELECT * FROM view_role_entry WHERE role = 'OOH_CLINICIAN';
CREATE VIEW view_role_entry_specialist AS SELECT * FROM view_role_entry WHERE role = 'SPECIALIST';
CREATE VIEW view_role_entry_patient AS SELECT * FROM view_role_entry WHERE role = 'PATIENT';
