"""The built-in sample assessment: a complete, entirely fictional joint assessment.

A national NGO, the Sahel Community Protection Network (SCPN, party A, provider), shares
protection-monitoring data with the protection cluster lead agency, the Meridian Protection
Agency (MPA, party B, recipient), and with the Kessaly Directorate of Social Welfare (KDSW,
party C, recipient), in the fictional Tiramé Region of the fictional Republic of Valdoria.
The Northwind Humanitarian Fund (NHF, party D, donor) has agreed to the trust statement.
All organisations, places and people are invented; e-mail addresses use ``example.org``.

The sample is written only through the public :class:`~pim_workbook.store.core.Store` API, with
fixed dates and named actors, so its history reads like a real one. Every section is filled;
two questions (``E2.Q5`` consent and ``E4.Q3`` feedback to communities) stay in discussion
with diverging answers. The three signing parties sign, which freezes revision 1; after
that one follow-up edit (the corrective action of the open incident ``I2``) is made, so the
current record has moved on from its signed revision and shows as a draft again.

``python -m pim_workbook.sample.assessment data/samples`` writes the JSON export of the sample to
``data/samples/sample-assessment.json``.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pim_workbook.errors import StoreError
from pim_workbook.record.readiness import open_items
from pim_workbook.store.core import Store

SAMPLE_ID = "sample"
SAMPLE_FILE = "sample-assessment.json"
TITLE = "SAMPLE (fictional) – Protection monitoring data sharing, Tiramé Region"


@dataclass(frozen=True)
class SampleParty:
    """A party of the sample; its first contact signs, its second does the day-to-day work."""

    pid: str
    abbr: str
    organisation: str
    role: str
    contacts: tuple[dict[str, str], ...]
    trust_on: str

    @property
    def lead(self) -> str:
        return self.contacts[0]["name"]

    @property
    def officer(self) -> str:
        return self.contacts[-1]["name"]


PARTIES: tuple[SampleParty, ...] = (
    SampleParty("A", "SCPN", "Sahel Community Protection Network (SCPN)", "provider", (
        {"name": "Mariama Toulé", "position": "Protection Programme Manager",
         "email": "mariama.toule@scpn.example.org", "phone": "+999 70 555 0101"},
        {"name": "Issa Dembaré", "position": "Information Management Officer",
         "email": "issa.dembare@scpn.example.org", "phone": "+999 70 555 0102"},
    ), "2026-01-22"),
    SampleParty("B", "MPA", "Meridian Protection Agency (MPA) – protection cluster lead",
                "recipient", (
        {"name": "Clara Nyberg-Osei", "position": "Protection Cluster Coordinator",
         "email": "clara.nyberg-osei@mpa.example.org", "phone": "+999 70 555 0201"},
        {"name": "Rashid Tamboura", "position": "Cluster Information Management Officer",
         "email": "rashid.tamboura@mpa.example.org", "phone": "+999 70 555 0202"},
    ), "2026-01-22"),
    SampleParty("C", "KDSW", "Kessaly Directorate of Social Welfare (KDSW)", "recipient", (
        {"name": "Fatoumata Ndiaré", "position": "Director of Social Welfare",
         "email": "f.ndiare@kessaly-social.example.org", "phone": "+999 70 555 0301"},
        {"name": "Adama Sorgho", "position": "Case Management Focal Point",
         "email": "a.sorgho@kessaly-social.example.org", "phone": "+999 70 555 0302"},
    ), "2026-01-29"),
    SampleParty("D", "NHF", "Northwind Humanitarian Fund (NHF)", "donor", (
        {"name": "Helena Marchetti", "position": "Programme Officer, Protection",
         "email": "helena.marchetti@nhf.example.org"},
    ), "2026-02-03"),
)
BY_PID = {p.pid: p for p in PARTIES}
SIGNERS = ("A", "B", "C")
FACILITATOR = BY_PID["B"].officer  # the cluster IM officer records joint positions

# -- Start ---------------------------------------------------------------------------------
START: dict[str, str] = {
    "purpose": (
        "Share SCPN protection monitoring data with the Tiramé protection cluster and the "
        "Kessaly Directorate of Social Welfare so that (1) the cluster's monthly protection "
        "analysis and response prioritisation rest on commune-level evidence from the 14 "
        "communes SCPN covers, and (2) people identified by SCPN monitors who need "
        "social-welfare services are referred safely and with their consent."
    ),
    "expected_benefits": (
        "Cluster analysis covering 14 communes instead of 5; one monitoring system instead of "
        "three parallel assessments in the same communities; a tracked referral pathway "
        "(target: municipal response within 10 working days); evidence for the municipal "
        "request for two more social workers; a plain-language brief returned each month to "
        "the community protection committees."
    ),
    "harms_of_not_sharing": (
        "The cluster would launch its own assessment in communes already surveyed four times "
        "in 2025, adding burden and exposure for respondents; prioritisation would rely on "
        "data that predate the July 2025 displacement from the northern communes; survivors "
        "and children at risk would keep being referred informally by phone, with no tracking "
        "and no record of consent."
    ),
}

PRINCIPLES: dict[str, tuple[str, str]] = {
    "people_centred": ("partly_met",
        "Community protection committees helped design the monitoring tool and receive the "
        "monthly brief, but women and persons with disabilities are under-represented in the "
        "committees of 5 communes; SCPN is recruiting more women monitors."),
    "do_no_harm": ("met",
        "DPIA done in December 2025; a risk point is on the agenda of every monthly cluster IM "
        "meeting; small-cell suppression is automated since incident I1."),
    "defined_purpose": ("met",
        "Two purposes only: cluster situational analysis (aggregated) and consented referral "
        "(individual). Any new use needs a new joint assessment."),
    "informed_consent": ("partly_met",
        "The consent script covers referral to named services; it does not cover enrolment in "
        "the municipal social registry (E2.Q5 is still under discussion)."),
    "data_responsibility": ("partly_met",
        "SCPN and MPA meet their data protection policies. Municipal case files are on paper in "
        "a locked cabinet, but the Directorate has no written breach procedure yet."),
    "competency": ("partly_met",
        "SCPN monitors and cluster IM staff are trained on PIM; PIM basic training for the "
        "municipal case workers is overdue (E1.mitigate.7)."),
    "impartiality": ("met",
        "Monitoring covers all 14 communes whoever controls them; coverage gaps and methodology "
        "limits are stated in every brief."),
    "coordination": ("met",
        "The arrangement replaces the cluster's planned separate assessment; the same data feed "
        "the cluster 5W gap analysis and the inter-cluster analysis."),
}

# -- Ecosystem: stakeholders S1.., systems Y1.., flows F1.. (ids follow the order below) ------
STAKEHOLDERS: tuple[dict[str, Any], ...] = (
    {"name": "Sahel Community Protection Network", "kind": "National NGO", "party": "A",
     "information": "Protection monitoring by 22 monitors in 14 communes; referral records; "
                    "community committee reports."},
    {"name": "Meridian Protection Agency", "kind": "International agency, cluster lead",
     "party": "B",
     "information": "Cluster 5W, protection analysis updates, service mapping of partners."},
    {"name": "Kessaly Directorate of Social Welfare", "kind": "Local authority", "party": "C",
     "information": "Municipal social registry (2023), social-welfare case files, service "
                    "availability."},
    {"name": "Northwind Humanitarian Fund", "kind": "Donor", "party": "D",
     "information": "Quarterly aggregated programme indicators only."},
    {"name": "Community protection committees", "kind": "Community group", "party": None,
     "information": "Local knowledge of incidents and service barriers; community feedback "
                    "on the monthly brief."},
    {"name": "Kessaly district health centre", "kind": "Service provider", "party": None,
     "information": "Clinical records of survivors (not shared under this arrangement)."},
)

SYSTEMS: tuple[dict[str, str], ...] = (
    {"name": "SCPN protection monitoring database", "category": "protection_monitoring",
     "holder": "S1", "operated_by": "SCPN",
     "where": "14 communes of Tiramé Region; server at SCPN Kessaly",
     "data_types": "Incident reports (individual, anonymous), monthly commune-level trends, "
                   "quarterly trend analysis.",
     "used_by": "SCPN; aggregates to the protection cluster"},
    {"name": "SCPN referral tracker", "category": "case_management", "holder": "S1",
     "operated_by": "SCPN",
     "where": "SCPN Kessaly office",
     "data_types": "Referral forms of consenting people and their outcomes.",
     "used_by": "SCPN case workers; referral forms to KDSW focal points"},
    {"name": "Protection cluster 5W and analysis workspace",
     "category": "protection_response_me", "holder": "S2",
     "operated_by": "MPA (cluster IM unit)",
     "where": "Regional cluster hub, Kessaly",
     "data_types": "Who-does-what-where, response gap analysis, monthly protection analysis.",
     "used_by": "Cluster partners, inter-cluster coordination, donors (public products)"},
    {"name": "Municipal social registry", "category": "population_data",
     "holder": "S3", "operated_by": "KDSW", "where": "Kessaly municipality",
     "data_types": "Household listing and eligibility for municipal assistance (2023, not "
                   "updated for displaced households).",
     "used_by": "KDSW case workers, municipal council (aggregates)"},
    {"name": "Cluster access and security tracker", "category": "security_situational_awareness",
     "holder": "S2", "operated_by": "MPA with the humanitarian access working group",
     "where": "Tiramé Region",
     "data_types": "Access constraints, checkpoint locations, security incidents affecting aid "
                   "workers.",
     "used_by": "Humanitarian organisations operating in Tiramé"},
)

FLOWS: tuple[dict[str, Any], ...] = (
    {"source": "S1", "target": "S2", "system": "Y1",
     "data": "Monthly commune-level incident trends (cells under 5 suppressed) and a brief."},
    {"source": "S1", "target": "S3", "system": "Y2",
     "data": "Referral forms of consenting people, to named focal points."},
    {"source": "S3", "target": "S1", "system": "Y2",
     "data": "Weekly referral feedback: accepted, service provided, closed."},
    {"source": "S2", "target": "S1", "system": "Y3",
     "data": "Cluster analysis updates and service mapping for referral pathways."},
    {"source": "S2", "target": "S4", "system": "Y3",
     "data": "Quarterly aggregated indicators for the NHF allocation report."},
    {"source": "S5", "target": "S1", "system": None,
     "data": "Community alerts and feedback on the monthly brief."},
)

# -- Questions: each party's answer, and the joint answer (None: still being discussed) ------
ANSWERS: dict[str, tuple[dict[str, str], str | None]] = {
    "E1.Q1": ({
        "A": "The cluster needs to know where protection incidents (movement restrictions, "
             "checkpoint extortion, forced recruitment, GBV) happen across our 14 communes; "
             "the municipality needs to know who needs social-welfare services. It is "
             "critical: without it the cluster plans blind and survivors are not referred.",
        "B": "We need commune-level trends of incidents and displacement, monthly, to "
             "prioritise the cluster response plan and advocacy. Critical: the cluster has no "
             "monitoring presence in 9 of the 14 communes.",
        "C": "We need to know which referred people need cash assistance, psychosocial support "
             "or civil documentation. Without it we deploy social workers on the 2023 census, "
             "which no longer reflects displacement.",
    }, "Purpose: inform the cluster's protection analysis and prioritisation (aggregated "
       "trends) and enable consented referral of individuals to municipal social-welfare "
       "services. Critical for both. Not sharing means another assessment in over-surveyed "
       "communities and survivors left without referral."),
    "E1.Q2": ({
        "A": "Use our monitoring for the cluster analysis instead of a separate cluster survey, "
             "feed the municipal service planning and return a brief to the committees.",
        "B": "Integrate SCPN data in the cluster analysis update and the 5W gap analysis; "
             "publish a public commune-level brief so shelter and education can use it too.",
        "C": "Use referral numbers to plan social-worker deployment and to argue for budget in "
             "the municipal council; send back service availability so monitors refer right.",
    }, "SCPN monitoring becomes the cluster's main evidence for the 14 communes (no separate "
       "cluster assessment); referral counts feed municipal planning; a public commune-level "
       "brief serves other sectors; a plain-language brief goes back to community committees."),
    "E1.Q3": ({
        "A": "SCPN has a data protection policy (2024) and an information sharing protocol; "
             "our monitors are trained on PIM principles and consent. We are less sure about "
             "data handling at municipal level.",
        "B": "MPA has a data protection policy and the cluster endorsed the Framework in 2025; "
             "cluster IM staff completed PIM training. We can train municipal staff.",
        "C": "The Directorate applies the national personal data law and case workers are "
             "bound by professional confidentiality. Staff have had no PIM training yet.",
    }, "SCPN and MPA have policies, protocols and PIM-trained staff. The Directorate applies "
       "the national data law and professional confidentiality but has no PIM training yet: "
       "its case workers complete PIM basic training (E1.mitigate.7) and access stays limited "
       "to named focal points."),
    "E2.Q1": ({
        "A": "Two levels only: commune-level monthly incident counts (non-personal but "
             "sensitive) and individual referral forms for consenting people.",
        "B": "Commune-level counts by incident type and month, plus displacement movements by "
             "site. The cluster does not need and does not want individual data.",
        "C": "Individual referral forms and, if possible, household vulnerability scores so we "
             "can prioritise. Commune aggregates help our planning.",
    }, "Critical: commune-level incident trends (D1), referral forms of consenting people (D2), "
       "displacement movements by site (D3). Nice to have: service barriers (D4) and "
       "pseudonymised referral outcomes (D5). Household vulnerability scores are left out: not "
       "needed for referral and not covered by consent."),
    "E2.Q2": ({
        "A": "Our secondary data review (Dec 2025) found four assessments in these communes in "
             "2025, none with commune-level protection trends after the July displacement.",
        "B": "The cluster review confirms it: the 2025 multi-sector assessment has protection "
             "data at region level only and is out of date.",
        "C": "The municipal registry dates from 2023 and leaves out displaced households; we "
             "have no other source.",
    }, "The joint secondary data review (Dec 2025 – Jan 2026) found no current commune-level "
       "protection data: the 2025 multi-sector assessment is region-level and the registry "
       "predates the displacement. The critical data list was confirmed and D3 added."),
    "E2.Q3": ({
        "A": "Sensitive here: recruitment by armed actors, checkpoint extortion, GBV, and the "
             "place of origin of displaced people, even aggregated for small communes.",
        "B": "Agree with SCPN and add movement restrictions by commune, which armed actors may "
             "read as reporting on them. We use the cluster's three-level classification.",
        "C": "Identity and health information are sensitive. Place of origin is in our "
             "registry and is not, in our view, sensitive in Kessaly.",
    }, "High: individual referral data and any GBV or recruitment data below commune level. "
       "Moderate: commune-level incident trends and site-level displacement data. Low: service "
       "barriers by commune. Place of origin is treated as sensitive (tensions between "
       "displaced and host communities) and is not shared. Reviewed at each joint review."),
    "E2.Q4": ({
        "A": "Elections are due in 2027 and extortion data could become politically charged. "
             "Monitors' safety in the northern communes is our first concern.",
        "B": "If the northern front moves we may have to stop publishing the brief for some "
             "communes at short notice.",
        "C": "A new council after the 2027 elections might ask for the data for other purposes.",
    }, "Future risks: politicisation of extortion data before the 2027 elections, a change of "
       "municipal leadership, deterioration in the north. Time frame limited to 12 months; SCPN "
       "can suspend the public brief per commune; monitors are never named; joint review "
       "before any renewal."),
    "E2.Q5": ({
        "A": "Yes for referral: each form records consent, with a separate yes/no for referral "
             "to the Directorate. Not for anything else: the script does not mention the "
             "social registry, so enrolment there needs new consent.",
        "B": "Aggregates need no individual consent and SCPN's script is adequate for referral. "
             "Registry enrolment is between the Directorate and the person, outside this "
             "arrangement.",
        "C": "Consent was given for referral to our services. Enrolment in the social registry "
             "is part of providing those services, since assistance is paid through it; we "
             "consider it covered.",
    }, None),
    "E2.Q6": ({
        "A": "Monthly aggregates through the cluster workspace; referrals by encrypted e-mail "
             "to named focal points. Red line: no data to security services.",
        "B": "The arrangement should follow the cluster's monthly cycle and its information "
             "sharing protocol, with access for named officers only.",
        "C": "Encrypted e-mail is hard for our two offices with poor connectivity; we need a "
             "paper option.",
    }, "As documented in the sharing arrangement: monthly aggregates in the access-controlled "
       "cluster workspace; referrals by encrypted e-mail, hand-delivered on paper where there "
       "is no connectivity; named access only; red lines and retention agreed. Decision: "
       "share with conditions (20 February 2026)."),
    "E3.Q1": ({
        "A": "New benefit: referral numbers helped the municipality obtain two more social "
             "workers. New risks: the village-level table (I1) and a referral form sent by "
             "messaging app (I2). Municipal training is late.",
        "B": "The aggregated stream follows the plan; one breach (I1), fixed by automating "
             "suppression. Partners now ask for the underlying dataset; we refuse.",
        "C": "Referrals arrive as planned and are useful. Connectivity makes encrypted e-mail "
             "hard and one colleague used a messaging app (I2). We need training and phones.",
    }, "Implementation follows the design with two variances, both logged (I1 closed, I2 open). "
       "New benefit: municipal budget for two social workers. New risk: pressure from partners "
       "for the underlying data. Step 2 mitigations are in place except municipal PIM training "
       "(overdue) and encryption of monitors' phones."),
    "E4.Q1": ({
        "A": "Sufficient: trends every month since March; 87 people referred, 61 received a "
             "service.",
        "B": "It filled the main gap of the cluster analysis; the June update used it to "
             "prioritise 4 communes.",
        "C": "We reached displaced households we did not know about; our response time is "
             "still 14 days on average against the 10-day target.",
    }, "Sufficient for the purpose. The June and October analysis updates used the trends to "
       "prioritise 4 communes; 87 referrals, 61 with a service delivered, average municipal "
       "response 14 days against a 10-day target. Benefits partly achieved."),
    "E4.Q2": ({
        "A": "Yes, jointly with the cluster and the Directorate on 20 October 2026.",
        "B": "Yes, at the six-month joint evaluation on 20 October 2026; NHF observed.",
        "C": "Yes, in October; we want a second evaluation after the training.",
    }, "Evaluated jointly on 20 October 2026 (see the Step 4 evaluation); a second evaluation "
       "follows the municipal training, at the February 2027 review."),
    "E4.Q3": ({
        "A": "Partly: committees discussed the brief in 6 of 14 communes. They find it useful "
             "but want audio versions and to know what happens after a referral.",
        "B": "Yes: the public brief was published every month on the cluster page, the agreed "
             "channel.",
        "C": "We do not know. People who come to the Directorate have not heard of the brief, "
             "and no feedback has reached municipal offices.",
    }, None),
}

# -- Actions: (id, status, owner party or None for joint, due date, note) ------------------
ACTIONS: tuple[tuple[str, str, str | None, str | None, str], ...] = (
    ("E1.maximise.1", "done", "A", "2026-01-31",
     "Joint planning workshop on 22 January 2026 with committees from 6 communes."),
    ("E1.maximise.2", "done", "B", "2026-02-15",
     "Shelter and education clusters will use the public brief; health declined (own data)."),
    ("E1.maximise.3", "done", "A", "2026-01-31",
     "Monitoring questionnaire v3 and sampling note shared with MPA and KDSW."),
    ("E1.maximise.4", "done", None, "2026-02-20",
     "Stated in the protocol preamble and in the community information sessions."),
    ("E1.maximise.5", "done", None, "2026-02-20",
     "Minimum dataset of five items agreed (Step 2 data items D1–D5)."),
    ("E1.maximise.6", "in_progress", "B", "2026-12-15",
     "Quarterly 'how the data was used' note drafted; KDSW input pending."),
    ("E1.mitigate.1", "done", "A", "2026-02-28",
     "Perpetrator names and exact GPS points removed from the monitoring form."),
    ("E1.mitigate.2", "done", "A", "2026-02-15",
     "Committees consulted on sharing commune-level trends; two asked for delayed release."),
    ("E1.mitigate.3", "in_progress", "A", "2027-01-31",
     "DPIA (Dec 2025): 4 of 6 recommendations done; encryption of monitors' phones pending."),
    ("E1.mitigate.4", "done", "C", "2026-02-15",
     "National personal data law reviewed; child protection cases must be reported to the "
     "Directorate, which the referral pathway respects."),
    ("E1.mitigate.5", "done", "B", "2026-02-20",
     "Cluster information sharing protocol signed by SCPN, MPA and KDSW."),
    ("E1.mitigate.6", "done", None, None,
     "Each party checked the arrangement against its own data protection policy."),
    ("E1.mitigate.7", "planned", "B", "2026-10-31",
     "PIM basic training for 6 municipal case workers; postponed twice (municipal budget "
     "session). Overdue."),
    ("E1.mitigate.8", "done", "A", "2026-02-28",
     "Consent script v2 with a separate question on referral, in French and Tirami."),
    ("E2.maximise.1", "done", "A", "2026-02-28",
     "Methodology note reviewed by the cluster IM working group."),
    ("E2.maximise.2", "in_progress", "A", "2026-12-31",
     "Metadata sheet (source, period, coverage, suppression) attached to each monthly file "
     "since July; back-filling March–June."),
    ("E2.maximise.3", "done", "B", "2026-03-15",
     "Users and uses listed in the access grants of the sharing arrangement."),
    ("E2.maximise.4", "done", None, "2026-02-20",
     "Protocol annex sets the scope, channel and access rules for each data stream."),
    ("E2.maximise.5", "planned", "A", "2027-02-28",
     "Community radio slot and committee meetings to report back and collect feedback."),
    ("E2.maximise.6", "not_applicable", "B", None,
     "The municipal registry cannot read HXL; the cluster dataset already follows the "
     "cluster codebook. Revisit if the registry is migrated."),
    ("E2.mitigate.1", "in_progress", "A", "2026-12-31",
     "Correction and complaint requests through the SCPN hotline; KDSW procedure in draft."),
    ("E2.mitigate.2", "done", None, "2026-03-01",
     "Breach protocol in the protocol annex; used for incidents I1 and I2."),
    ("E2.mitigate.3", "done", None, "2026-02-20",
     "Retention periods agreed per party (see the sharing arrangement)."),
    ("E2.mitigate.4", "done", "B", "2026-03-01",
     "SOP on roles and responsibilities presented at the March cluster meeting."),
    ("E2.mitigate.5", "done", "A", "2026-02-28",
     "Aggregates and referrals travel through separate channels with separate access."),
    ("E2.mitigate.6", "in_progress", "B", "2027-01-31",
     "SCPN and MPA staff trained in April; municipal staff pending (see E1.mitigate.7)."),
    ("E3.maximise.1", "in_progress", "A", "2027-03-31",
     "NHF funds a half-time IM officer at SCPN until March 2027; renewal requested."),
    ("E3.maximise.2", "done", None, "2026-05-01",
     "Phase 1 aggregates from March; phase 2 referrals from May 2026."),
    ("E3.maximise.3", "done", None, "2026-06-30",
     "Implementation reviewed in June; referral feedback moved from monthly to weekly."),
    ("E3.maximise.4", "done", "A", None,
     "Each brief states coverage, method limits and suppressed cells."),
    ("E3.maximise.5", "in_progress", "B", "2026-12-15",
     "Use log kept by the cluster IM unit; shared quarterly."),
    ("E3.mitigate.1", "done", None, None,
     "Incident log kept in this assessment (Step 3 incidents)."),
    ("E3.mitigate.2", "done", "A", "2026-04-30",
     "Corrective action for I1 completed; I2 still open."),
    ("E3.mitigate.3", "planned", "B", "2027-03-31",
     "Refresher on the protocol and suppression rules for all users, after the review."),
    ("E3.mitigate.4", "planned", None, "2027-02-15",
     "Joint audit of user accounts and access logs at the February 2027 review."),
    ("E4.maximise.1", "done", "B", "2026-10-20",
     "Feedback to SCPN on usefulness given at the joint evaluation."),
    ("E4.maximise.2", "in_progress", "A", "2027-01-31",
     "Focus group discussions with committees in 8 more communes."),
    ("E4.maximise.3", "done", "B", None,
     "SCPN and its monitors credited as source in all cluster products; NHF acknowledged."),
    ("E4.maximise.4", "planned", None, "2027-02-15",
     "Evaluation recommendations to be built into the renewed arrangement."),
    ("E4.mitigate.1", "done", None, "2026-10-20",
     "Bottlenecks (municipal connectivity, training) discussed openly at the evaluation."),
    ("E4.mitigate.2", "in_progress", None, "2027-02-15",
     "Unforeseen risks (pressure for raw data, messaging apps) tracked at monthly IM meetings."),
    ("E4.mitigate.3", "not_applicable", None, None,
     "Parties agreed not to widen the network before the February 2027 review."),
)

CUSTOM_ACTIONS: tuple[dict[str, Any], ...] = (
    {"step": "E2", "kind": "mitigate", "owner": "A",
     "text": "Suppress every cell with fewer than 5 incidents before a table leaves SCPN.",
     "status": "done", "due": "2026-04-30",
     "note": "Automated in SCPN's export script after incident I1."},
    {"step": "E3", "kind": "maximise", "owner": "A",
     "text": "Produce the monthly brief as audio in Tirami for community protection committees.",
     "status": "in_progress", "due": "2027-01-31",
     "note": "Pilot recorded for October; community radio partner identified."},
)

# -- Step 2: data items D1.., sharing arrangement, consent, decision ------------------------
DATA_ITEMS: tuple[dict[str, Any], ...] = (
    {"name": "Protection incident trends by commune",
     "description": "Monthly counts of reported incidents by type (movement restriction, "
                    "extortion, forced recruitment, GBV, child protection, HLP) and commune.",
     "importance": "critical", "personal": False, "sensitive": True,
     "categories": ["non_personal", "aggregated", "sensitive"], "sensitivity": "moderate",
     "aggregation": "Commune and month; cells under 5 suppressed",
     "purposes": ["situational_awareness", "impact_evaluation"]},
    {"name": "Referral form",
     "description": "Name, age, sex, contact, commune, protection concern and requested "
                    "service of people who consent to referral.",
     "importance": "critical", "personal": True, "sensitive": True,
     "categories": ["personal", "sensitive"], "sensitivity": "high",
     "aggregation": "Individual", "purposes": ["public_service"]},
    {"name": "Displacement movements by site",
     "description": "Estimated weekly arrivals and departures by displacement site, from key "
                    "informants.",
     "importance": "critical", "personal": False, "sensitive": False,
     "categories": ["non_personal", "cii_dii", "aggregated"], "sensitivity": "moderate",
     "aggregation": "Site and week; population group not recorded",
     "purposes": ["situational_awareness", "prediction"]},
    {"name": "Service gaps and access barriers",
     "description": "Barriers to services reported by committees: distance, fees, missing "
                    "documents, fear of checkpoints.",
     "importance": "nice_to_have", "personal": False, "sensitive": False,
     "categories": ["non_personal", "aggregated"], "sensitivity": "low",
     "aggregation": "Commune and quarter", "purposes": ["public_service", "knowledge"]},
    {"name": "Referral outcomes",
     "description": "Referral id, service provided, days to response, closure — returned by "
                    "KDSW to SCPN.",
     "importance": "nice_to_have", "personal": True, "sensitive": False,
     "categories": ["personal", "pseudonymised"], "sensitivity": "moderate",
     "aggregation": "Individual, pseudonymised referral id (no names)",
     "purposes": ["impact_evaluation"]},
    {"name": "Protection monitoring interview records",
     "description": "One row per household member interviewed: admin1, commune, age group, "
                    "sex, nationality, protection concern and sampling weight; record id "
                    "instead of names.",
     "importance": "nice_to_have", "personal": True, "sensitive": True,
     "categories": ["personal", "pseudonymised", "sensitive"], "sensitivity": "high",
     "aggregation": "Individual, pseudonymised record id (no names)",
     "purposes": ["situational_awareness", "impact_evaluation"]},
)

ARRANGEMENT: dict[str, str] = {
    "form": "Two streams: (1) a monthly aggregated dataset (CSV, commune level) with a "
            "two-page brief, to the cluster; (2) individual referral forms, one per "
            "consenting person, to the Directorate.",
    "frequency": "Dataset by the 5th working day of each month; referrals within 48 hours of "
                 "consent; referral feedback from KDSW weekly.",
    "channel": "Aggregates: access-controlled folder in the cluster workspace (named accounts, "
               "two-factor login). Referrals: encrypted e-mail to the named KDSW focal point, "
               "password by phone; paper hand-delivery where there is no connectivity.",
    "aggregation": "Commune and month for incident trends, cells under 5 suppressed, no "
                   "village names or perpetrator affiliation. Referrals are individual but "
                   "limited to the referral form fields.",
    "practices": "Monitors tend to self-censor reports on recruitment by armed actors; cluster "
                 "partners sometimes ask by phone for the numbers behind suppressed cells "
                 "(agreed: this stops); monitors used to refer people informally by phone.",
    "red_lines": "No individual or village-level data to any authority other than KDSW's named "
                 "focal points; no use for security, law-enforcement or eligibility screening; "
                 "sharing stops at once if monitors or respondents are threatened over the "
                 "data, or if a party passes data on without agreement.",
    "retention": "Cluster: monthly datasets 24 months, then the annual aggregate only. KDSW: "
                 "referral forms until case closure plus 12 months, then shredded with a "
                 "deletion log. SCPN: raw records per its 36-month schedule.",
    "time_frame": "1 March 2026 to 28 February 2027; renewed only after the joint review.",
    "next_review": "2027-02-15",
}

ACCESS: tuple[dict[str, str], ...] = (
    {"who": "MPA cluster IM unit (two named officers)",
     "purpose": "Compile the monthly protection analysis and dashboard; aggregates only."},
    {"who": "KDSW case management focal point and deputy (named)",
     "purpose": "Receive consented referrals, assign a case worker, report the outcome."},
    {"who": "Protection cluster partners, through the published brief",
     "purpose": "Response planning and advocacy; no access to the dataset."},
)

# The data-sharing register: datasets under the arrangement (ids DS1..).
DATASETS: tuple[dict[str, Any], ...] = (
    {"title": "Monthly protection incident trends by commune", "data_items": ["D1"],
     "owner": "A", "recipients": ["B"], "source_system": "Y1", "access": ["X1", "X3"],
     "aggregation": "Commune and month; cells under 5 suppressed", "format": "CSV",
     "frequency": "Monthly, by the 5th working day",
     "channel": "Access-controlled folder in the cluster workspace",
     "retention_until": "2028-02-28", "licence": "Not for redistribution",
     "conditions": "Aggregates only; no onward sharing of the dataset without SCPN's written "
                   "agreement; published products show no cell under 5.",
     "method": "Household and key-informant protection monitoring interviews by SCPN monitors",
     "collected_from": "2026-03-01", "collected_to": "2026-10-31"},
    {"title": "Protection monitoring interview records (proposed)", "data_items": ["D6"],
     "owner": "A", "recipients": ["B"], "source_system": "Y1", "access": ["X1"],
     "aggregation": "Individual record, pseudonymised", "format": "CSV",
     "frequency": "Once, for the joint trend analysis",
     "channel": "Access-controlled folder in the cluster workspace",
     "retention_until": "2027-02-28", "licence": "Not for redistribution",
     "conditions": "Proposed: shared only if the disclosure-risk check is within the "
                   "thresholds after treatment; deleted after the joint analysis.",
     "method": "Household and key-informant protection monitoring interviews by SCPN monitors",
     "collected_from": "2026-03-01", "collected_to": "2026-10-31"},
)

CONSENT: dict[str, str] = {
    "basis": "informed_consent",
    "details": "Monitors read a standard script in French or Tirami (verbal consent recorded "
               "on the form): who SCPN is, why the information is collected, that aggregated "
               "figures go to the protection cluster and that the referral form goes to the "
               "Directorate only if the person agrees (separate yes/no). For children: "
               "caregiver consent and the child's assent, following best interest procedures.",
    "limitations": "Consent covers referral to the named services only: not enrolment in the "
                   "municipal social registry, not eligibility screening, not sharing with any "
                   "other authority. Records collected before January 2026 (old script, no "
                   "referral question) are excluded from referral sharing.",
}

DECISION: dict[str, str] = {
    "outcome": "share_with_conditions",
    "rationale": "Coverage of 14 communes and a safe, tracked referral pathway outweigh the "
                 "risks once trends are aggregated and suppressed and referrals are limited to "
                 "consenting people and named focal points. Residual risks: municipal data "
                 "handling capacity and the political sensitivity of extortion data.",
    "conditions": "1) Only commune-level, suppressed aggregates to the cluster. 2) Referrals "
                  "only with recorded consent, to named focal points, by the agreed channel. "
                  "3) KDSW case workers complete PIM basic training by 31 October 2026. 4) No "
                  "use of referral data for registry enrolment until E2.Q5 is agreed. 5) Joint "
                  "review before 28 February 2027, or at once after a high-severity incident.",
    "decided_on": "2026-02-20",
}

# -- Steps 3 and 4 ---------------------------------------------------------------------------
INCIDENTS: tuple[dict[str, Any], ...] = (
    {"occurred_on": "2026-04-14", "reported_by": "B", "severity": "moderate", "status": "closed",
     "description": "The April dataset reached the cluster workspace with a village column; "
                    "three cells showed fewer than 5 GBV incidents in two villages of "
                    "Kessa-Nord commune.",
     "harm": "No harm known. The file was visible to 11 partners for two days; survivors in "
             "small villages could have been identified by people who know the area.",
     "corrective_action": "File withdrawn within an hour of detection; all 11 partners "
                          "confirmed deletion. Village column removed and suppression "
                          "automated (custom action C1); discussed at the 22 April IM meeting."},
    {"occurred_on": "2026-06-03", "reported_by": "C", "severity": "high", "status": "open",
     "description": "A municipal outreach worker forwarded a scanned referral form to a "
                    "colleague through a personal messaging account.",
     "harm": "Possible exposure of a survivor's identity and concern; the phone is shared with "
             "family members. No harm reported so far.",
     "corrective_action": "Message deleted on both phones in front of the Director; SCPN "
                          "informed the survivor, who chose to continue the referral."},
)

EVALUATION: dict[str, str] = {
    "sufficiency": "sufficient",
    "benefits_achieved": "partly",
    "shared_as_planned": "yes",
    "risks_mitigated": "partly",
    "unanticipated": "Benefit: the council approved two more social workers from September on "
                     "the strength of the referral counts. Risks: re-identification in small "
                     "tables (I1) and personal messaging apps (I2), both addressed.",
    "resources": "SCPN: half-time IM officer and monitor time (NHF-funded to March 2027). MPA: "
                 "cluster IM officer at 20%. KDSW: focal point at 30%. Jointly asking NHF for "
                 "municipal training, work phones and an encrypted transfer tool in 2027.",
    "community_feedback": "Committees in 6 of 14 communes discussed the brief; they use the "
                          "extortion trends in their own advocacy, want audio versions and "
                          "want to know what happens after a referral.",
    "recommendations": "Continue with conditions; train KDSW before any expansion; audio "
                       "briefs for all 14 communes; settle the registry-enrolment consent "
                       "question (E2.Q5) before the February 2027 review.",
    "evaluated_on": "2026-10-20",
}

# Made after revision 1 was signed, so the sample also shows a record that has moved on.
FOLLOW_UP: tuple[str, dict[str, str]] = ("incidents/I2", {
    "corrective_action": INCIDENTS[1]["corrective_action"] + " Follow-up: the Director issued "
                         "a written instruction banning personal messaging for referral data "
                         "and two work phones were issued. The incident stays open until the "
                         "PIM training (E1.mitigate.7) is delivered.",
})


def _set_fields(store: Store, aid: str, prefix: str, fields: dict[str, Any], *,
                actor: str, party: str | None = None) -> None:
    for name, value in fields.items():
        store.set(aid, f"{prefix}{name}", value, actor=actor, party=party)


def _owner(pid: str | None) -> tuple[str, str]:
    """Owner text and the person who records the action."""
    if pid is None:
        return "All parties (joint)", FACILITATOR
    party = BY_PID[pid]
    return f"{party.officer}, {party.abbr}", party.officer


def build_sample(store: Store, *, aid: str = SAMPLE_ID) -> str:
    """Create and fill the sample assessment in ``store``; returns its id.

    Raises :class:`StoreError` (changing nothing) if ``aid`` is already taken.
    """
    scpn, mpa, kdsw = BY_PID["A"], BY_PID["B"], BY_PID["C"]
    aid = store.create(TITLE, actor=scpn.officer, aid=aid)
    _set_fields(store, aid, "", START, actor=scpn.lead, party="A")
    for party in PARTIES:
        pid = store.add_party(aid, party.organisation, party.role, actor=scpn.officer,
                              contacts=list(party.contacts))
        if pid != party.pid:
            raise StoreError(f"{aid}: expected party {party.pid}, got {pid}")
    for party in PARTIES:
        store.agree_trust(aid, party.pid, party.lead, actor=party.officer, on=party.trust_on)
    for principle, (state, note) in PRINCIPLES.items():
        store.set(aid, f"principles/{principle}", {"status": state, "note": note},
                  actor=FACILITATOR)

    for collection, items, actor in (("stakeholders", STAKEHOLDERS, scpn.officer),
                                     ("systems", SYSTEMS, mpa.officer),
                                     ("flows", FLOWS, scpn.officer)):
        for item in items:
            store.add(aid, collection, item, actor=actor)

    for qid, (given, agreed) in ANSWERS.items():
        for pid, text in given.items():
            store.answer(aid, qid, pid, text, actor=BY_PID[pid].officer)
        if agreed is not None:
            store.agree(aid, qid, agreed, actor=FACILITATOR)
    for action_id, state, owner_pid, due, note in ACTIONS:
        owner, actor = _owner(owner_pid)
        store.set_action(aid, action_id, actor=actor, status=state, owner=owner, due=due,
                         note=note)
    for custom in CUSTOM_ACTIONS:
        owner, actor = _owner(custom["owner"])
        store.add(aid, "custom_actions", {**custom, "owner": owner}, actor=actor)

    for item in DATA_ITEMS:
        store.add(aid, "data_items", item, actor=scpn.officer, party="A")
    _set_fields(store, aid, "arrangement/", ARRANGEMENT, actor=FACILITATOR)
    for grant in ACCESS:
        store.add(aid, "arrangement/access", grant, actor=FACILITATOR)
    for dataset in DATASETS:
        store.add(aid, "datasets", dataset, actor=scpn.officer, party="A")
    _set_fields(store, aid, "consent/", CONSENT, actor=scpn.lead, party="A")
    _set_fields(store, aid, "decision/", DECISION, actor=mpa.lead)

    for incident in INCIDENTS:
        reporter = BY_PID[incident["reported_by"]]
        store.add(aid, "incidents", incident, actor=reporter.officer, party=reporter.pid)
    _set_fields(store, aid, "evaluation/", EVALUATION, actor=FACILITATOR)

    revision = None
    for pid in SIGNERS:
        party = BY_PID[pid]
        revision = store.sign(aid, pid, party.lead, actor=party.lead,
                              acknowledged=open_items(store.get(aid), store.content))
    if revision != 1:
        raise StoreError(f"{aid}: signing did not freeze revision 1 (got {revision})")

    path, changes = FOLLOW_UP
    store.update(aid, path, changes, actor=kdsw.officer, party="C")
    return aid


def main(argv: list[str] | None = None) -> int:
    """Write the sample's JSON export: ``python -m pim_workbook.sample.assessment [OUT_DIR]``."""
    from pim_workbook.outputs.jsonfile import to_json

    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage: python -m pim_workbook.sample.assessment [OUT_DIR]", file=sys.stderr)
        return 2
    out_dir = Path(args[0] if args else "data/samples")
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.sqlite") as store:
        aid = build_sample(store)
        text = to_json(store, aid)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / SAMPLE_FILE
    target.write_text(text, encoding="utf-8")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
