"""One bibliography for every source the simulator cites as "Author Year".

Why: a citation is a claim. Code comments, presets, validation targets, docs and dashboard
pages cite sources by a short in-text key ("Hahn 2013"); this module holds the full reference
behind each key, with a note of what was checked against the source (journal, year, volume,
pages, and that the paper says what it is cited for) or why it is still unverified. The
validation report and the Evidence page print the full references from here, and
``tests/test_references.py`` checks that every key cited anywhere is listed here and that
every entry is cited somewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Reference", "BIBLIOGRAPHY", "ALIASES", "CO_PUBLISHED", "NOT_CITATIONS", "get",
           "full", "keys_in", "markdown", "references_md"]


@dataclass(frozen=True)
class Reference:
    """A published source: the in-text key, the citation, and what was checked."""

    key: str  # exactly as cited in the text, e.g. "Hahn 2013"
    authors: str
    year: int
    title: str
    journal: str
    volume: str = ""  # volume(issue) or Cochrane issue; empty when not verified
    pages: str = ""  # first-last page or article number; empty when not verified
    doi: str = ""
    pmid: str = ""
    checked: str = ""  # what was checked against the source, or "unverified: <why>"

    @property
    def verified(self) -> bool:
        return not self.checked.startswith("unverified")


_UNV = "unverified: not found in the searched public copies (PubMed/journal pages); "


def _r(key: str, authors: str, year: int, title: str, journal: str, volume: str = "",
       pages: str = "", doi: str = "", pmid: str = "", checked: str = "") -> Reference:
    return Reference(key, authors, year, title, journal, volume, pages, doi, pmid, checked)


_ENTRIES: tuple[Reference, ...] = (
    # --- MMN: course, epidemiology, antibodies -------------------------------------------------
    _r("Al-Zuhairy 2024", "Al-Zuhairy A, Jakobsen J, Krarup C", 2024,
       "Prevention of axonal loss after immediate dosage titration of immunoglobulin in "
       "multifocal motor neuropathy", "Eur J Neurol", "31(7)", "e16305", pmid="38651498",
       checked="PubMed abstract and university record: journal, year, volume, article number; "
       "12 patients: no further axonal loss with a 0.3-year untreated interval (n=7), a trend "
       "to more loss with 4.0 years (n=5)"),
    _r("Cats 2010", "Cats EA et al.", 2010,
       "(anti-GM1 IgM antibodies and clinical features in multifocal motor neuropathy; exact "
       "title not verified)", "Neurology",
       checked=_UNV + "cited for more weakness and axonal loss with anti-GM1 positivity and "
       "titre. Six searches (title words, authors with Neurology 2010, anti-GM1 titre and "
       "axonal loss, the documentation corpus): no copy of the paper found. Krijgsman 2026 "
       "(found) reports IgM binding correlating with weakness and complement activation "
       "with axonal damage; a 2021 iPSC study (PMC8587732) "
       "writes that anti-GM1 IgM presence and titres correlate with weakness and axonal "
       "damage, citing a reference not shown; title, volume and pages left empty"),
    _r("Delmont 2006", "Delmont E et al.", 2006,
       "Multifocal motor neuropathy with and without conduction block: a single entity?",
       "Neurology", "", "", pmid="16924010",
       checked="PubMed abstract (PMID 16924010): content only - 20 with and 13 without block, "
       "median involved 17/20 vs 5/13 at last examination, 4.5 vs 2 nerves, IVIg response "
       "14/20 vs 8/13; journal name not shown on the copy found, volume and pages left empty"),
    _r("Herraets 2020", "Herraets IJT, van Rosmalen M, Bos J, et al.", 2020,
       "Clinical outcomes in multifocal motor neuropathy: a combined cross-sectional and "
       "follow-up study", "Neurology", "95(14)", "e1979-e1987",
       doi="10.1212/WNL.0000000000010538", pmid="32732293",
       checked="PubMed abstract: journal, year, volume, pages, content (100 patients, 60 "
       "followed up; 87% on maintenance; 7 of 10 outcome measures deteriorated)"),
    _r("Lange 2006", "Lange DJ, Weimer LH, Trojaborg W, Lovelace RE, Gooch CL, Rowland LP", 2006,
       "Multifocal motor neuropathy with conduction block: slow but not benign",
       "Arch Neurol", "63(12)", "1778-1781", doi="10.1001/archneur.63.12.1778",
       checked="journal page (JAMA Network): journal, year, volume, pages, content (one patient "
       "untreated for 18 years; nerves with block became inexcitable)"),
    _r("Löscher 2018", "Löscher WN, Oberreiter EM, Erdler M, et al.", 2018,
       "Multifocal motor neuropathy in Austria: a nationwide survey of clinical features and "
       "response to treatment", "J Neurol", "265(12)", "2834-2840",
       checked="university publication records with abstract: journal, year, volume, pages, "
       "content (57 patients; prevalence 0.65/100,000; onset 44.1 +- 13.1 y; delay 5.5 +- 8.4 "
       "y; 77% upper-limb onset; anti-GM1 IgM 43%)"),
    _r("Umapathi 2015", "Umapathi T, Hughes RAC, Nobile-Orazio E, Léger JM", 2015,
       "Immunosuppressant and immunomodulatory treatments for multifocal motor neuropathy",
       "Cochrane Database Syst Rev", "2015(3)", "CD003217",
       checked="Cochrane abstract: the only randomised trial is of mycophenolate (no benefit); "
       "the role of immunosuppressants is uncertain"),
    _r("Kornberg & Pestronk 1995", "Kornberg AJ, Pestronk A", 1995,
       "Chronic motor neuropathies: diagnosis, therapy, and pathogenesis", "(journal not "
       "shown on the copy found)",
       checked="partly: university publication record (Washington University, RIS with "
       "abstract): authors, title, date May 1995, content (cyclophosphamide with plasma "
       "exchange, and in some patients immune globulin; responses may occur within the first "
       "2 to 4 months in motor neuropathies with demyelinative features, 6 months or later "
       "in predominantly axonal ones); journal, volume and pages not shown there"),
    _r("Rajabally 2009", "Rajabally YA, et al.", 2009,
       "Lewis-Sumner syndrome of pure upper-limb onset: diagnostic, prognostic, and "
       "therapeutic features", "Muscle Nerve", "39(2)", "206-220", doi="10.1002/mus.21199",
       pmid="19145651",
       checked="PubMed abstract (PMID 19145651): journal, year, volume, pages, content (8 "
       "patients and 82 reviewed; motor conduction block in arm nerves in about 90%; over 80% "
       "of treated patients respond); co-authors not shown on the copy found"),
    _r("Nobile-Orazio 2002", "Nobile-Orazio E, Cappellari A, Meucci N, et al.", 2002,
       "Multifocal motor neuropathy: clinical and immunological features and response to IVIg "
       "in relation to the presence and degree of motor conduction block",
       "J Neurol Neurosurg Psychiatry", "72(6)", "761-766",
       checked="PubMed abstract: journal, year, volume, pages, content (23 consecutive "
       "patients; definite or probable block in 14, possible in 6, none in 3); the author list "
       "beyond the first author and the exact title wording not re-checked"),
    _r("Nobile-Orazio 2005", "Nobile-Orazio E, Cappellari A, Priori A", 2005,
       "Multifocal motor neuropathy: current concepts and controversies", "Muscle Nerve",
       checked=_UNV + "cited in the reference list only, as a review of MMN. Searched by "
       "title, authors and Muscle Nerve 2005: only other reviews of MMN were found; volume "
       "and pages left empty"),
    _r("Nobile-Orazio 2014", "Nobile-Orazio E, Giannotta C, Musset L, Messina P, Léger JM",
       2014, "Sensitivity and predictive value of anti-GM1/galactocerebroside IgM antibodies "
       "in multifocal motor neuropathy", "J Neurol Neurosurg Psychiatry", "85(7)", "754-",
       checked="journal page (JNNP 85/7/754) and an abstract copy filed under 23907602: "
       "title, authors, journal, year, volume, first page, content (40 consecutive MMN "
       "patients: raised anti-GM1 IgM in 48%, specificity 93%; anti-GM1/GalC raised the "
       "sensitivity to 75%) - the upper end of the 43-48% cited. Last page and PMID not "
       "seen (23907602 is probably the PMID)"),
    _r("Slee 2007", "Slee M, Selvan A, Donaghy M", 2007,
       "Multifocal motor neuropathy: the diagnostic spectrum and response to treatment",
       "Neurology", "69", "",
       checked="abstract on the publisher's platform (Neurology, 23 Oct 2007 issue): content "
       "(47 patients, 32 (70%) upper-limb onset, 24 treated with IVIg); authors, volume and "
       "pages not shown there (pages left empty)"),
    _r("Taylor 2000", "Taylor BV, Wright RA, Harper CM, Dyck PJ", 2000,
       "Natural history of 46 patients with multifocal motor neuropathy with conduction block",
       "Muscle Nerve", "23(6)", "900-908", pmid="10842266",
       checked="PubMed abstract: journal, year, volume, pages, content (no spontaneous "
       "improvement; NIS weakness worse by 1.3 points/year in 18 followed, 4.2/year estimated "
       "before the first evaluation)"),
    _r("Van Asseldonk 2005", "Van Asseldonk JTH, Franssen H, Van den Berg-Vos RM, Wokke JHJ, "
       "Van den Berg LH", 2005, "Multifocal motor neuropathy", "Lancet Neurol", "4", "",
       checked="partly: the review's text (unnamed copy) gives men:women 2.6, mean onset 40 "
       "(20-70) and ~80% between 20 and 50; journal, volume and pages not confirmed (pages "
       "left empty)"),
    _r("Yeh 2020", "Yeh WZ, Dyck PJ, van den Berg LH, Kiernan MC, Taylor BV", 2020,
       "Multifocal motor neuropathy: controversies and priorities",
       "J Neurol Neurosurg Psychiatry", "91", "140-", doi="10.1136/jnnp-2019-321532",
       checked="copy of the article: journal, DOI, first page 140, content (men:women 2.7:1, "
       "onset 20-70, mean 40); last page not seen"),
    _r("Straver 2011", "Straver DCG, van Asseldonk JTH, Notermans NC, Wokke JHJ, van den Berg "
       "LH, Franssen H", 2011, "Cold paresis in multifocal motor neuropathy", "J Neurol",
       "258(2)", "212-217", doi="10.1007/s00415-010-5712-3", pmid="20803025",
       checked="PubMed abstract: journal, volume, pages, DOI, PMID; content (cold paresis in "
       "50 MMN, 48 CIDP, 35 PSMA and 25 axonal polyneuropathy patients; MMN 4-6 times the risk "
       "of CIDP or PSMA; proposed: depolarised axons that only just conduct at normal "
       "temperature fail when cooler); the full author list not confirmed beyond the first "
       "author"),
    _r("Nodera 2006", "Nodera H et al.", 2006,
       "Activity-dependent conduction block in multifocal motor neuropathy: magnetic fatigue "
       "test", "Neurology", "67(2)", "280-287", doi="10.1212/01.wnl.0000225048.20239.e4",
       pmid="16864821",
       checked="PubMed abstract: journal, year, volume, pages, DOI, PMID; content (CMAPs "
       "after 1 minute of maximal voluntary contraction in 9 IVIg-responsive MMN patients "
       "without conventional block: 6 showed block or dispersion right after the exercise; "
       "activity-dependent block \"recently found in MMN but not in ALS\"); the author list "
       "after the first author not confirmed"),
    _r("Kaji 2000", "Kaji R, Bostock H, Kohara N, Murase N, Kimura J, Shibasaki H", 2000,
       "Activity-dependent conduction block in multifocal motor neuropathy", "Brain",
       checked=_UNV + "cited for block that appears during sustained voluntary firing. "
       "Searched by title, authors and Brain 2000: not found. Found instead Nodera et al., "
       "Neurology 2006;67(2):280-287 (activity-dependent block after 1 minute of maximal "
       "contraction in 6 of 9 MMN patients without conventional block; \"recently found in "
       "MMN but not in ALS\") and a CIDP study, Ann Neurol 2000;48(6):826-832 (PMID 11117538; "
       "only slight CMAP changes in its 3 MMN patients); volume and pages left empty"),
    # --- MMN: treatment ------------------------------------------------------------------------
    _r("Azulay 1994", "Azulay JP, Blin O, Pouget J, et al.", 1994,
       "Intravenous immunoglobulin treatment in patients with motor neuron syndromes "
       "associated with anti-GM1 antibodies: a double-blind, placebo-controlled study",
       "Neurology", "44(3 Pt 1)", "429-432", doi="10.1212/wnl.44.3_part_1.429",
       pmid="8145910",
       checked="reference lists of Cochrane review CD004429 and of a JNNP article: journal, "
       "year, volume, pages, PMID; an IVIg RCT (it is not a study of prednisolone)"),
    _r("Chaudhry & Cornblath 2010", "Chaudhry V, Cornblath DR", 2010,
       "An open-label trial of rituximab in multifocal motor neuropathy",
       "J Peripher Nerv Syst", "15(3)", "196-201", doi="10.1111/j.1529-8027.2010.00270.x",
       pmid="21040141",
       checked="PubMed abstract (Johns Hopkins): journal, year, volume, pages, content (6 "
       "patients, rituximab 2 x 1000 mg; no change in IVIg use, MRC sum or grip); authors as "
       "usually cited, not shown on the copy found"),
    _r("Claus 2000", "Claus D, Specht S, Zieschang M", 2000,
       "Plasmapheresis in multifocal motor neuropathy: a case report (letter)",
       "J Neurol Neurosurg Psychiatry", "68(4)", "533-535", doi="10.1136/jnnp.68.4.533",
       checked="journal page: letter to the editor, journal, year, volume, pages, authors, "
       "content (one patient worse after plasmapheresis)"),
    _r("Cochrane 2005", "van Schaik IN, van den Berg LH, de Haan R, Vermeulen M", 2005,
       "Intravenous immunoglobulin for multifocal motor neuropathy",
       "Cochrane Database Syst Rev", "2005(2)", "CD004429",
       doi="10.1002/14651858.CD004429",
       checked="Cochrane summary and evidence summaries: authors, issue, number, content (4 "
       "RCTs, 34 patients; strength improved in 78% on IVIg vs 4% on placebo)"),
    _r("Cochrane 2015", "Mehndiratta MM, Hughes RAC, Pritchard J", 2015,
       "Plasma exchange for chronic inflammatory demyelinating polyradiculoneuropathy",
       "Cochrane Database Syst Rev", "2015(8)", "CD003906",
       doi="10.1002/14651858.CD003906.pub4",
       checked="Cochrane abstract: title, number, search date 2015, content (two RCTs in CIDP: "
       "exchange better than sham). It is about CIDP, not MMN; third author as usually cited"),
    _r("Donaghy 1994", "Donaghy M, Mills KR, Boniface SJ, et al.", 1994,
       "Pure motor demyelinating neuropathy: deterioration after steroid treatment and "
       "improvement with intravenous immunoglobulin", "J Neurol Neurosurg Psychiatry",
       "57(7)", "778-783", doi="10.1136/jnnp.57.7.778",
       checked="full text copy: journal, year, volume, pages, authors, content (weakness "
       "increased within one month of prednisolone in 4 pure-motor patients; 2 then improved "
       "on IVIg)"),
    _r("Eftimov 2009", "Eftimov F, Vermeulen M, de Haan RJ, van den Berg LH, van Schaik IN",
       2009, "Subcutaneous immunoglobulin therapy for multifocal motor neuropathy",
       "J Peripher Nerv Syst", "14(2)", "93-100", doi="10.1111/j.1529-8027.2009.00218.x",
       pmid="19691531",
       checked="PubMed abstract (linked from JNNP, PMID 19691531): journal, year, volume, "
       "pages, DOI, content (10 patients switched from IVIg to weekly SCIg; at 50% of the "
       "IVIg dose 4 of 5 deteriorated and 1 withdrew; at the equivalent dose 4 of 5 kept "
       "their strength over 6 months); authors as usually cited, not shown on the copy"),
    _r("Federico 2000", "Federico P, Zochodne DW, Hahn AF, Brown WF, Feasby TE", 2000,
       "Multifocal motor neuropathy improved by IVIg: randomized, double-blind, "
       "placebo-controlled study", "Neurology", "55(9)", "1256-1262", pmid="11087764",
       checked="reference list of Cochrane review CD004429 (journal, year, volume, pages, "
       "PMID) and a trial table (16 patients; grip and block improved at 28 days)"),
    _r("Hahn 2013", "Hahn AF, Beydoun SR, Lawson V, et al.", 2013,
       "A controlled trial of intravenous immunoglobulin in multifocal motor neuropathy",
       "J Peripher Nerv Syst", "18(4)", "321-330", pmid="24725024",
       checked="PubMed abstract and Cochrane reference list: journal, year, volume, pages, "
       "content (44 patients; grip -31.38% on placebo vs +3.75% on IVIg; 69.0% vs 2.4% "
       "switched early to open-label IVIg)"),
    _r("Harbo 2009", "Harbo T, Andersen H, Hess A, Hansen K, Sindrup SH, Jakobsen J", 2009,
       "Subcutaneous versus intravenous immunoglobulin in multifocal motor neuropathy: a "
       "randomized, single-blinded cross-over trial", "Eur J Neurol", "16(5)", "631-638",
       doi="10.1111/j.1468-1331.2009.02568.x", pmid="19236457",
       checked="PubMed abstract and journal page: journal, year, volume, pages, authors, "
       "content (9 patients, equivalent doses; strength +3.6% on SCIg vs +4.3% on IVIg, "
       "P=0.86). It gives no SCIg/IVIg dose ratio"),
    _r("Muscle Nerve 2018", "(authors not verified)", 2018,
       "Comparisons in fluctuation of muscle strength and function in patients with "
       "immune-mediated neuropathy treated with intravenous versus subcutaneous "
       "immunoglobulin", "Muscle Nerve", "57(4)", "610-614", doi="10.1002/mus.25967",
       pmid="28881389",
       checked="PubMed abstract: journal, year, volume, pages, title, content (CIDP and MMN "
       "switched from monthly IVIg to weekly SCIg; strength CV 6.97% vs 5.50%, P=0.21, not "
       "different; 9-hole peg and 40 m walk steadier). Authors not shown on the copy found, so "
       "the key is the journal and year"),
    _r("Léger 2008", "Léger J-M, Viala K, Cancalon F, et al.", 2008,
       "Intravenous immunoglobulin as short- and long-term therapy of multifocal motor "
       "neuropathy: a retrospective study of response to IVIg and of its predictive criteria "
       "in 40 patients", "J Neurol Neurosurg Psychiatry", "79(1)", "93-96",
       checked="journal page: journal, year, volume, first page, authors, content (14 of 20 "
       "treatment-naive patients (70%) improved; 22% in remission at 2.2 years); last page as "
       "usually cited"),
    _r("Pestronk 1988", "Pestronk A, Cornblath DR, Ilyas AA, et al.", 1988,
       "A treatable multifocal motor neuropathy with antibodies to GM1 ganglioside",
       "Ann Neurol", "24(1)", "73-78", doi="10.1002/ana.410240113",
       checked="publisher abstract (DOI 10.1002/ana.410240113): journal, year, content (2 "
       "patients; prednisone 100 mg for 4-6 months and plasmapheresis failed; "
       "cyclophosphamide improved both); pages as usually cited"),
    _r("Piepers 2007", "Piepers S et al.", 2007,
       "A randomized trial of mycophenolate mofetil in combination with intravenous "
       "immunoglobulin in multifocal motor neuropathy", "Brain",
       checked="partly: a trial table (PMC review) lists the 2007 RCT of mycophenolate with "
       "IVIg (28 patients; no difference in IVIg dose reduction); journal, volume and pages "
       "not confirmed"),
    _r("Terenghi 2004", "Terenghi F, Cappellari A, Bersano A, Carpo M, Barbieri S, "
       "Nobile-Orazio E", 2004, "How long is IVIg effective in multifocal motor neuropathy?",
       "Neurology", "62", "",
       checked="partly: the group's abstract of the same 21-patient series (assessed before and "
       "8-10 days after the first course; MRC sum 165 to 176; 33% still improved after mean "
       "5.5 years). 8-10 days is when patients were assessed, not the onset of benefit. The "
       "Neurology paper itself was not found: pages left empty"),
    _r("Van den Berg-Vos 2000", "Van den Berg-Vos RM, Franssen H, Wokke JHJ, et al.", 2000,
       "Multifocal motor neuropathy: diagnostic criteria that predict the response to "
       "immunoglobulin treatment", "Ann Neurol", "48(6)", "919-926", pmid="11117549",
       checked="PubMed abstract: journal, year, volume, pages, content (37 patients; "
       "responders 17/21 definite, 5/7 probable, 1/9 possible MMN)"),
    _r("Van den Berg-Vos 2002", "Van den Berg-Vos RM, Franssen H, Wokke JHJ, Van den Berg LH",
       2002, "Multifocal motor neuropathy: long-term clinical and electrophysiological "
       "assessment of intravenous immunoglobulin maintenance treatment", "Brain",
       checked="abstract (copy): title, content (11 patients, infusions every 1-7 weeks, "
       "7-48 g/week, 4-8 years; strength better within 3 weeks, then a slight decline); "
       "journal as usually cited, volume and pages not confirmed (left empty)"),
    _r("van Schaik 2010", "Joint Task Force of the EFNS and the PNS (van Schaik IN, Léger "
       "J-M, Nobile-Orazio E, et al.)", 2010,
       "European Federation of Neurological Societies/Peripheral Nerve Society guideline on "
       "management of multifocal motor neuropathy. Report of a joint task force - first "
       "revision", "J Peripher Nerv Syst", "15(4)", "295-301",
       checked="table reproduced with permission in a PMC review: journal, year, volume, "
       "pages, title; good practice points (IVIg 2 g/kg over 2-5 days; corticosteroids not "
       "recommended; 1 g/kg every 2-4 weeks or 2 g/kg every 1-2 months)"),
    _r("Krijgsman 2026", "Krijgsman D, Dijkxhoorn K, de Zeeuw E, Bloemenkamp LM, Bos JW, van "
       "Eijk RPA, Van de Walle I, Huizinga R, Jacobs BC, Leusen JHW, Pasterkamp RJ, Hack CE, "
       "Budding K, van der Pol WL", 2026,
       "IgM anti-ganglioside binding and complement activation in an iPSC-derived motor "
       "neuron model for multifocal motor neuropathy", "(journal not shown on the copy found)",
       checked="partly: university publication record (UMC Utrecht, RIS with abstract): "
       "title, authors, year, content (sera of 137 MMN patients on iPSC motor neurons: IgM "
       "binding correlated with titres, C3 fixation, more severe weakness and higher IVIg "
       "doses; complement activation, not IgM binding, with axonal damage; at therapeutic "
       "levels IVIg inhibited complement activation 34-54%, specific inhibitors 89.1-98.7%); "
       "journal, volume and pages not shown there"),
    # --- outcome measures and normal values ----------------------------------------------------
    _r("Draak 2015", "Draak THP, Pruppers MHJ, van Nes SI, Vanhoutte EK, Bakkers M, Gorson KC, "
       "et al.", 2015, "Grip strength comparison in immune-mediated neuropathies: Vigorimeter "
       "vs. Jamar", "J Peripher Nerv Syst", "20(3)", "269-276",
       checked="university repository record with abstract (Erasmus MC): title, authors, "
       "journal, year, volume, pages, content (102 stable patients with GBS, CIDP, MGUSP or "
       "MMN assessed twice: Jamar ICC 0.997 right, 0.96 left; Vigorimeter 0.95/0.98; poor "
       "responsiveness in MGUSP and MMN). The 2 kg reading error is derived from these ICCs "
       "by the project, not given by the paper"),
    _r("Graham & Hughes 2006", "Graham RC, Hughes RAC", 2006,
       "A modified peripheral neuropathy scale: the Overall Neuropathy Limitations Scale",
       "J Neurol Neurosurg Psychiatry", "77(8)", "973-",
       checked="journal page (JNNP, article 77/8/973) and the issue's commentary (\"see p "
       "973\"): title, authors, journal, volume, first page, content (the ONLS is the ODSS, "
       "scored arms 0-5 and legs 0-7, slightly modified; each task not affected, affected "
       "but not prevented, or prevented; high inter-rater reliability, r = 0.97 with the "
       "ODSS). Last page not seen"),
    _r("Hughes 2001", "Hughes R, Bensa S, Willison H, et al.", 2001,
       "Randomized controlled trial of intravenous immunoglobulin versus oral prednisolone in "
       "chronic inflammatory demyelinating polyradiculoneuropathy", "Ann Neurol", "50(2)",
       "195-201", doi="10.1002/ana.1088",
       checked="university repository record and an abstract index: title, journal, year, "
       "volume, pages, DOI, content (crossover trial, 32 randomised: IVIg 2 g/kg vs "
       "prednisolone 60 to 10 mg over 6 weeks; primary outcome the change on an 11-point "
       "disability scale at 2 weeks - the scale the project calls the INCAT disability "
       "scale; the name is not in the abstract seen). The title previously carried "
       "\"(INCAT disability scale)\", which is not part of it"),
    _r("Massy-Westropp 2011", "Massy-Westropp NM, Gill TK, Taylor AW, Bohannon RW, Hill CL",
       2011, "Hand grip strength: age and gender stratified normative data in a "
       "population-based study", "BMC Res Notes", "4", "127",
       checked="partly: copy of the article and institute record (SAHMRI): journal, year, "
       "volume, article number, authors, content (North West Adelaide Health Study, 1366 men "
       "and 1312 women; grip norms by age and sex). The table values used (47/30 kg at "
       "20-49 y, 45/28 at 50-59, 40/24 at 60-69) were not seen on the copies found"),
    _r("Medical Research Council 1976", "Medical Research Council", 1976,
       "Aids to the examination of the peripheral nervous system (Memorandum no. 45)",
       "HMSO, London",
       checked="partly: scanned copy of the booklet: title, Memorandum No. 45 (superseding War "
       "Memorandum No. 7), Her Majesty's Stationery Office, first published 1976, ISBN 0 11 "
       "450033 9. The grading pages were not in the excerpt seen; the statement that grade 4 "
       "spans a wide range of force is the project's (approx.)"),
    _r("Merkies 2002", "Merkies ISJ, Schmitz PIM, van der Meché FGA, Samijn JPA, van Doorn "
       "PA", 2002, "Clinimetric evaluation of a new overall disability scale in immune "
       "mediated polyneuropathies", "J Neurol Neurosurg Psychiatry", "72(5)", "596-601",
       doi="10.1136/jnnp.72.5.596",
       checked="journal page: title, authors (for the INCAT group), journal, year, volume, "
       "pages, DOI, content (the overall disability sum score in 113 stable and 20 changing "
       "patients with GBS, CIDP or gammopathy-related neuropathy: valid, reliable, ICC "
       "0.90-0.95)"),
    _r("Preston & Shapiro 2020", "Preston DC, Shapiro BE", 2020,
       "Electromyography and Neuromuscular Disorders: Clinical-Electrophysiologic-Ultrasound "
       "Correlations, 4th ed.", "Elsevier (book)",
       checked="partly: book record: title, 4th edition, 2020, 780 pages, ISBN 9780323661805; "
       "publisher as usually cited. The normal values and EMG teaching cited from it were "
       "not checked page by page"),
    _r("Olney 2003", "Olney RK, Lewis RA, Putnam TD, Campellone JV Jr", 2003,
       "Consensus criteria for the diagnosis of multifocal motor neuropathy", "Muscle Nerve",
       "27(1)", "117-121", doi="10.1002/mus.10317",
       checked="publisher record and the AAEM's copy of the consensus: title, authors, "
       "journal, year, volume, pages, DOI, content (definite and probable MMN: weakness "
       "without objective sensory loss in two or more named nerves, block in two or more "
       "motor nerves outside entrapment sites, normal sensory conduction). The detail the "
       "code cites it for (a minimum distal CMAP behind an area ratio) was not in the part "
       "seen"),
    _r("Okabe & Ito 2008", "Okabe M, Ito K", 2008,
       "Color Universal Design (CUD): how to make figures and presentations that are "
       "friendly to colorblind people", "J*FLY (web document)",
       checked="the web page itself (J*FLY, University of Cologne mirror): title, authors, "
       "dated 11.20.2002, modified 2.15.2008 and 9.24.2008, content (a set of colours "
       "unambiguous to colour-blind and other readers; redundant coding). A web document, "
       "not a journal article"),
    # --- CIDP and multifocal CIDP --------------------------------------------------------------
    _r("Broers 2019", "Broers MC, Bunschoten C, Nieboer D, Lingsma HF, Jacobs BC", 2019,
       "Incidence and prevalence of chronic inflammatory demyelinating polyradiculoneuropathy: "
       "a systematic review and meta-analysis", "Neuroepidemiology", "52(3-4)", "161-172",
       doi="10.1159/000494291", pmid="30669140",
       checked="PubMed abstract (PMID from the copy's address) and journal page: title, "
       "journal, year, volume, pages, DOI, content (11 studies; pooled incidence 0.33 per "
       "100,000 person-years, prevalence 2.81 per 100,000; heterogeneity partly from "
       "differing diagnostic criteria). The abstract gives no sex ratio or onset age, so it "
       "supports CIDP epidemiology in general only; co-authors after the first as previously "
       "cited, not shown on the copy"),
    _r("Dyck 1982", "Dyck PJ, O'Brien PC, Oviatt KF, Dinapoli RP, Daube JR, Bartleson JD, "
       "et al.", 1982,
       "Prednisone improves chronic inflammatory demyelinating polyradiculoneuropathy more "
       "than no treatment", "Ann Neurol", "11(2)", "136-141", pmid="7041788",
       checked="reference list and abstract of Cochrane review CD002062: authors, journal, "
       "year, volume, pages, PMID, content (one non-blinded RCT, 35 participants; 12 of 19 on "
       "prednisone vs 5 of 16 untreated improved in impairment at 12 weeks). Cochrane gives "
       "the title without \"demyelinating\". The paper's own abstract was not found, so the "
       "timing of the benefit (the model's 21-day lag) is not from it"),
    _r("Dyck 1986", "Dyck PJ, Daube J, O'Brien P, et al.", 1986,
       "Plasma exchange in chronic inflammatory demyelinating polyradiculoneuropathy",
       "N Engl J Med", "314", "461-465",
       checked="abstract (Scilit copy): title, journal, volume, pages 461-465, content "
       "(patients with static or worsening disease randomised to plasma exchange, n = 15, or "
       "sham exchange, n = 14, for three weeks; improvement greater than in any sham patient "
       "in the neurologic-disability score in five). Co-authors after the first three as "
       "previously cited; also one of the two RCTs of Cochrane review CD003906"),
    _r("Hahn 1996", "Hahn AF, Bolton CF, Pillay N, et al.", 1996,
       "Plasma-exchange therapy in chronic inflammatory demyelinating polyneuropathy. A "
       "double-blind, sham-controlled, cross-over study", "Brain", "119", "1055-",
       checked="partly: cited as the cross-over RCT (18 patients) of Cochrane review "
       "CD003906; volume and first page as previously cited in the project"),
    _r("Hughes 2008", "Hughes RAC, Donofrio P, Bril V, Dalakas MC, Deng C, Hanna K, Hartung "
       "HP, Latov N, Merkies ISJ, van Doorn PA, et al.", 2008,
       "Intravenous immune globulin (10% caprylate-chromatography purified) for the "
       "treatment of chronic inflammatory demyelinating polyradiculoneuropathy (ICE study): "
       "a randomised placebo-controlled trial", "Lancet Neurol", "7(2)", "136-144",
       doi="10.1016/S1474-4422(07)70329-0", pmid="18178525",
       checked="PubMed abstract (erratum Lancet Neurol 2008;7(9):771) and university record: "
       "journal, year, volume, pages, DOI, authors, content (117 patients, IGIV-C every 3 "
       "weeks for up to 24 weeks; 32 of 59 (54%) on IGIV-C vs 12 of 58 (21%) on placebo kept "
       "an improvement of >= 1 adjusted INCAT point to week 24)"),
    _r("Laughlin 2009", "Laughlin RS, Dyck PJ, Melton LJ III, Leibson C, Ransom J, Dyck PJB",
       2009, "Incidence and prevalence of CIDP and the association of diabetes mellitus",
       "Neurology", "73", "39-",
       checked="partly: copy of the article's first page: title, authors, content (Olmsted "
       "County 1982-2001: 23 patients, 13 men and 10 women; median age 58; incidence 1.6 per "
       "100,000 per year, prevalence 8.9 per 100,000; diabetes in 1 of 23). Journal, volume "
       "and first page as previously cited, not shown on the copy. It does not show men "
       "twice as often as women (13 of 23 is 57%)"),
    _r("Lewis 1982", "Lewis RA, Sumner AJ, Brown MJ, Asbury AK", 1982,
       "Multifocal demyelinating neuropathy with persistent conduction block", "Neurology",
       "32", "958-964",
       checked="partly: cited with journal, volume and pages (32:958-964) in a PubMed "
       "abstract (Rajabally 2009); not checked against the paper itself"),
    _r("Van den Bergh 2021", "Van den Bergh PYK, van Doorn PA, Hadden RDM, et al.", 2021,
       "European Academy of Neurology/Peripheral Nerve Society guideline on diagnosis and "
       "treatment of chronic inflammatory demyelinating polyradiculoneuropathy: report of a "
       "joint Task Force - second revision", "J Peripher Nerv Syst", "26(3)", "242-268",
       doi="10.1111/ene.14959 (Eur J Neurol version)",
       checked="guideline copy and abstract: title, authors, Eur J Neurol 2021;28(11):"
       "3556-3583, doi 10.1111/ene.14959, content (IVIg or corticosteroids first line; "
       "exchange if both fail). The J Peripher Nerv Syst co-publication pages as given in "
       "the brief, not seen"),
    _r("van Schaik 2010b", "van Schaik IN, Eftimov F, van Doorn PA, Brusse E, van den Berg LH, "
       "van der Pol WL, et al.", 2010,
       "Pulsed high-dose dexamethasone versus standard prednisolone treatment for chronic "
       "inflammatory demyelinating polyradiculoneuropathy (PREDICT study): a double-blind, "
       "randomised, controlled trial", "Lancet Neurol", "9(3)", "245-253",
       doi="10.1016/S1474-4422(10)70021-1", pmid="20133204",
       checked="journal page, university repository abstract and Cochrane CD002062 reference "
       "list: title, authors, journal, year, volume, pages, DOI, PMID, content (40 newly "
       "diagnosed patients; remission at 12 months, >= 3 points on the Rivermead mobility "
       "index and >= 1 INCAT point, in 10 of 24 on dexamethasone and 6 of 16 on "
       "prednisolone, OR 1.2). The prednisolone taper schedule is not in the abstract"),
    _r("Viala 2004", "Viala K, Renié L, Maisonobe T, et al.", 2004,
       "Follow-up study and response to treatment in 23 patients with Lewis-Sumner syndrome",
       "Brain", "127", "2010-2017", doi="10.1093/brain/awh222",
       checked="reference list of a 2011 article: title, journal, volume, first page, DOI; "
       "last page as usually cited; the shares responding to IVIg and steroids not checked"),
    _r("Kuwabara & Yuki 2013", "Kuwabara S, Yuki N", 2013,
       "Axonal Guillain-Barré syndrome: concepts and controversies", "Lancet Neurol",
       "12", "1180-1188",
       checked=_UNV + "cited in the reference list only, for axonal GBS. Searched by title, "
       "authors and Lancet Neurol 2013: found only other GBS reviews (Lancet seminars 2005 "
       "and 2016) and a 2017 study of early reversible conduction failure; volume and pages "
       "as given in the project's fact sheet, not checked"),
    # --- motor neuron disease ------------------------------------------------------------------
    _r("Chiò 2009", "Chiò A, Logroscino G, Hardiman O, Swingler R, Mitchell D, Beghi E, "
       "Traynor BG", 2009, "Prognostic factors in ALS: a critical review",
       "Amyotroph Lateral Scler", "10(5-6)", "310-323",
       checked="university publication record with abstract: title, authors, journal, year, "
       "issue, pages, content (systematic review: median survival from onset to death 20 to "
       "48 months, 10-20% live longer than 10 years; older age and bulbar onset worse)"),
    _r("Chiò 2013", "Chiò A, Logroscino G, Traynor BJ, Collins J, Simeone JC, Goldstein LA, "
       "White LA", 2013,
       "Global epidemiology of amyotrophic lateral sclerosis: a systematic review of the "
       "published literature", "Neuroepidemiology", "41(2)", "118-130",
       doi="10.1159/000351153", pmid="23860588",
       checked="partly: PubMed Central author manuscript: title, authors, journal, year, "
       "volume, pages, DOI, PMID, content (37 population-based studies; Europe median "
       "incidence 2.08 and prevalence 5.40 per 100,000). The male:female ratio 1.2-1.5 and "
       "mean onset 52-65 cited from it are not in the abstract; the full text was not seen"),
    _r("Dalakas 1994", "Dalakas MC, Stein DP, Otero C, et al.", 1994,
       "Effect of high-dose intravenous immunoglobulin on amyotrophic lateral sclerosis and "
       "multifocal motor neuropathy", "Arch Neurol", "51(9)", "861-864",
       doi="10.1001/archneur.1994.00540210031010", pmid="8080385",
       checked="PubMed abstract: journal, year, volume, pages, content (9 ALS patients all "
       "worse on IVIg; the MMN patient improved)"),
    _r("de Carvalho 2008", "de Carvalho M, Dengler R, Eisen A, England JD, Kaji R, Kimura J, "
       "Mills K, Mitsumoto H, Nodera H, Shefner J, Swash M", 2008,
       "Electrodiagnostic criteria for diagnosis of ALS", "Clin Neurophysiol", "119(3)",
       "497-503", doi="10.1016/j.clinph.2007.09.143", pmid="18164242",
       checked="PubMed abstract and a copy of the article: title, authors, journal, year, "
       "volume, pages, DOI, content (the Awaji consensus: in suspected ALS fasciculation "
       "potentials count as denervation like fibrillations and positive sharp waves; "
       "chronic neurogenic change on EMG equals clinical involvement)"),
    _r("Eisen & Kuwabara 2012", "Eisen A, Kuwabara S", 2012,
       "The split hand syndrome in amyotrophic lateral sclerosis",
       "J Neurol Neurosurg Psychiatry", "83", "399-", doi="10.1136/jnnp-2011-301456",
       checked="partly: bibliographic record with abstract and a copy of the text: title, "
       "authors, DOI (a JNNP DOI), content (in ALS hand wasting preferentially affects the "
       "thenar (lateral) hand - APB and FDI - with relative sparing of the hypothenar ADM). "
       "Volume and first page as previously cited, not seen. It is about the hand, not about "
       "distal versus proximal muscles in general"),
    _r("Fujimura-Kiyono 2011", "Fujimura-Kiyono C, Kimura F, Ishida S, Nakajima H, Hosokawa "
       "T, Sugino M, Hanafusa T", 2011,
       "Onset and spreading patterns of lower motor neuron involvements predict survival in "
       "sporadic amyotrophic lateral sclerosis", "J Neurol Neurosurg Psychiatry", "82(11)",
       "1244-",
       checked="partly: journal page (JNNP 82/11/1244) and its Table 1: title, authors, "
       "journal, "
       "volume, first page, content (150 sporadic ALS patients followed 3-monthly; the "
       "interval from onset to a second region predicts survival; no patient with two "
       "regions within 3 months lived 5 years). The direction-of-spread results were not in "
       "the part seen; last page not seen"),
    _r("Kim 2009", "Kim WK, Liu X, Sandner J, Pasmantier M, Andrews J, Rowland LP, Mitsumoto H",
       2009, "Study of 962 patients indicates progressive muscular atrophy is a form of ALS",
       "Neurology", "73(20)", "1686-1692", doi="10.1212/WNL.0b013e3181c1dea3",
       pmid="19917992",
       checked="PubMed Central copy and journal page: title, authors, journal, year, volume, "
       "pages, DOI, PMID, content (91 PMA and 871 ALS patients: PMA more often male, p < "
       "0.001, older, p = 0.007, longer-lived, p = 0.01; UMN signs in 22% of PMA within 61 "
       "months)"),
    _r("Munsat 1988", "Munsat TL, Andres PL, Finison L, Conlon T, Thibodeau L", 1988,
       "The natural history of motoneuron loss in amyotrophic lateral sclerosis", "Neurology",
       "38(3)", "409-", doi="10.1212/wnl.38.3.409",
       checked="publisher record with abstract: title, journal, year, volume, first page, "
       "DOI, content (50 ALS patients measured for up to 67 months: the loss was linear and "
       "symmetric; bulbar function declined more slowly, leg strength more slowly than arm). "
       "Authors as previously cited, not shown; last page not seen"),
    _r("Ravits & La Spada 2009", "Ravits JM, La Spada AR", 2009,
       "ALS motor phenotype heterogeneity, focality, and spread: deconstructing motor neuron "
       "degeneration", "Neurology", "73(10)", "805-811", doi="10.1212/WNL.0b013e3181b6bbbd",
       pmid="19738176",
       checked="PubMed Central copy: title, authors, journal, year, volume, pages, DOI, PMID, "
       "content (review: motor neuron degeneration begins focally and spreads contiguously "
       "through the upper and lower motor neuron levels). The ~60% arm share of limb onsets "
       "the code cites it for is not in the abstract (marked approx. there)"),
    _r("Shefner 2020", "Shefner JM, Al-Chalabi A, Baker MR, et al.", 2020,
       "A proposal for new diagnostic criteria for ALS",
       "Clin Neurophysiol", "131", "1975-",
       checked="partly: copy of the in-press opinion paper (Clinical Neurophysiology): title, "
       "authors, journal; the criteria as summarised in a 2021 review (progressive motor "
       "impairment; upper and lower motor neuron dysfunction in one region or lower motor "
       "neuron dysfunction in two; ALS or not ALS). Volume and first page as previously "
       "cited, not shown on the in-press copy. The title no longer carries the added "
       "\"(Gold Coast criteria)\""),
    _r("Visser 2007", "Visser J, van den Berg-Vos RM, Franssen H, van den Berg LH, Wokke JH, "
       "de Jong JMV, Holman R, de Haan RJ, de Visser M", 2007,
       "Disease course and prognostic factors of progressive muscular atrophy", "Arch Neurol",
       "64(4)", "522-528", pmid="17420313",
       checked="PubMed abstract and university record: title, authors, journal, year, "
       "volume, pages, content (37 newly diagnosed PMA patients followed 18 months: strength, "
       "affected regions and ALSFRS worsened; median survival 56 months after the first "
       "weakness; relentlessly progressive)"),
    _r("Wijesekera 2009", "Wijesekera LC, Mathers S, Talman P, Galtrey C, Parkinson MH, "
       "Ganesalingam J, et al.", 2009,
       "Natural history and clinical features of the flail arm and flail leg ALS variants",
       "Neurology", "72(12)", "1087-1094", doi="10.1212/01.wnl.0000345041.83406.a2",
       pmid="19307543",
       checked="PubMed Central copy and journal page: title, authors, journal, year, volume, "
       "pages, DOI, PMID, content (London 1,188 and Melbourne 432 cases: flail arm 11%, flail "
       "leg 6%; median survival 61 and 69 months vs 35 for limb-onset ALS; men:women 4:1 in "
       "flail arm). It says nothing of distal muscles wasting first, which the text had "
       "cited it for"),
    # --- ulnar neuropathy at the elbow ---------------------------------------------------------
    _r("Beekman 2004", "Beekman R, Wokke JHJ, Schoemaker MC, Lee ML, Visser LH", 2004,
       "Ulnar neuropathy at the elbow: follow-up and prognostic factors determining outcome",
       "Neurology", "63", "1675-", doi="10.1212/01.wnl.0000142535.24626.90", pmid="15534254",
       checked="PubMed abstract: title, DOI, PMID, content (69 of 84 patients re-examined "
       "after a median 14 months; of 74 arms 16% in remission, 28% improved, 34% stable, 22% "
       "worse; surgery better than conservative treatment; block and slowing across the "
       "elbow predict a good outcome). Not one third each, as the text had said. Journal "
       "(a Neurology DOI), volume and first page as previously cited; authors not shown"),
    _r("Campbell 1999", "American Association of Electrodiagnostic Medicine (Campbell WW et "
       "al.)", 1999, "Practice parameter: electrodiagnostic studies in ulnar neuropathy at "
       "the elbow", "Muscle Nerve", "22", "408-",
       checked="partly: the AANEM's copy of the practice parameter (literature 1983-1996, 13 "
       "articles behind the recommendations) and a reference list giving the co-published "
       "version (AAEM, AAN, AAPMR. Neurology 1999;52:688-690, doi 10.1212/wnl.52.4.688). "
       "The Muscle Nerve volume and first page as previously cited, not seen; the "
       "statements on SNAP loss and FDI wasting not checked"),
    _r("Mondelli 2005", "Mondelli M, Giannini F, Ballerini M, Ginanneschi F, Martorelli E",
       2005, "Incidence of ulnar neuropathy at the elbow in the province of Siena (Italy)",
       "J Neurol Sci", "234", "5-10", doi="10.1016/j.jns.2005.02.010", pmid="15993135",
       checked="PubMed abstract and a reference list (J Neurol Sci 234:5-10): title, authors, "
       "journal, year, volume, pages, DOI, PMID, content (311 cases 1995-1999, 199 men and "
       "112 women (64% men), mean age 56, range 15-86; incidence 24.7 per 100,000 "
       "person-years, 32.7 in men and 17.2 in women, rising with each decade of age)"),
    _r("Richardson 2001", "Richardson JK, Green DF, Jamieson SC, Valentin FC", 2001,
       "Gender, body mass and age as risk factors for ulnar mononeuropathy at the elbow",
       "Muscle Nerve", "24(4)", "551-554", doi="10.1002/mus.1039", pmid="11268028",
       checked="PubMed abstract (linked from a BMJ journal) and a bibliographic record: "
       "title, authors, journal, year, volume, pages, DOI, content (112 electrodiagnostic "
       "reports with UNE vs 104 without: male sex OR 6.9 for definite and 2.2 for all UNE; "
       "age a risk in men, low BMI in women). It gives odds ratios, not the share of men"),
    # --- hereditary neuropathy with liability to pressure palsies (HNPP) -----------------------
    _r("Andersson 2000", "Andersson PB, Yuen E, Parko K, So YT", 2000,
       "Electrodiagnostic features of hereditary neuropathy with liability to pressure palsies",
       "Neurology", "54(1)", "40-44",
       checked="abstract (Stanford publication record): authors, journal, year, volume, pages; "
       "9 HNPP patients: slow sensory conduction in 93% of nerves, prolonged distal motor "
       "latency in 78%, slow motor velocity in 31%, mean motor velocity within normal limits; "
       "a background polyneuropathy independent of entrapment"),
    _r("Bird 2014", "Bird TD", 2014, "Hereditary neuropathy with liability to pressure palsies",
       "GeneReviews (University of Washington, Seattle; last update 25 September 2014)",
       checked="NCBI Bookshelf NBK1392 summary: first attack usually in the second or third "
       "decade, recovery often complete and residual disability usually mild, 17p11.2 deletion "
       "including PMP22 in about 80%, avoid leg crossing, leaning on elbows, repetitive wrist "
       "movements, rapid weight loss; protective pads; author name not shown on the copy found "
       "(the chapter's Seattle VA author)"),
    _r("Chance 1993", "Chance PF, Alderson MK, Leppig KA, et al.", 1993,
       "DNA deletion associated with hereditary neuropathy with liability to pressure palsies",
       "Cell", "72(1)", "143-151", doi="10.1016/0092-8674(93)90058-x", pmid="8422677",
       checked="PubMed abstract and journal page: journal, year, volume, pages, DOI (authors "
       "from a citing paper's reference list); autosomal dominant, episodes of focal "
       "demyelinating neuropathy after minor trauma, a 1.5 Mb "
       "deletion in 17p11.2 including PMP22"),
    _r("Infante 2001", "Infante J et al.", 2001,
       "(clinical, electrophysiologic and molecular study of at-risk members of 14 HNPP "
       "families; title not verified)", "Muscle Nerve", pmid="11494267",
       checked=_UNV + "authors, title, volume and pages not shown on the copy found; the "
       "PubMed abstract (PMID 11494267, John Wiley & Sons 2001) was read: de novo deletions in "
       "21% of the families, about half of the deletion carriers asymptomatic"),
    _r("Li 2002", "Li J, Krajewski K, Lewis RA, Shy ME", 2002,
       "Hereditary neuropathy with liability to pressure palsy: the electrophysiology fits the "
       "name", "Neurology", "58(12)", "1769-1773", pmid="12084875",
       checked=_UNV + "authors not shown on the copy found (Wayne State University); PubMed "
       "abstract read for journal, year, volume, pages and content: 12 patients, distal motor "
       "latency median 5.9 and peroneal 8.63 ms (all prolonged), ulnar 3.87 and tibial 5.66 ms "
       "minimally prolonged or normal; latencies to proximal muscles normal"),
    _r("Li 2004", "Li J, Krajewski K, Lewis RA, Shy ME", 2004,
       "Loss-of-function phenotype of hereditary neuropathy with liability to pressure palsies",
       "Muscle Nerve", "29(2)", "205-210",
       checked="abstract (Houston Methodist publication record): authors, journal, year, "
       "volume, pages; 17 patients, 15 with transient, recurrent focal weakness or sensory loss "
       "related to compression, stretching or minor repetitive trauma"),
    _r("Mouton 1999", "Mouton P et al.", 1999,
       "Spectrum of clinical and electrophysiologic features in HNPP patients with the "
       "17p11.2 deletion", "Neurology", "52(7)", "1440-1446",
       checked="abstract (two public copies): first author, journal, year, volume, pages; 99 "
       "deletion carriers: in all, a diffuse increase of distal motor latencies with normal or "
       "moderately reduced velocities, a diffuse reduction of SNAPs and focal slowing at the "
       "usual entrapment sites; co-authors after the first not shown on the copies found"),
    _r("Uncini 1995", "Uncini A, Di Guglielmo G, Di Muzio A, et al.", 1995,
       "Differential electrophysiological features of neuropathies associated with 17p11.2 "
       "deletion and duplication", "Muscle Nerve", "18(6)", "628-635",
       doi="10.1002/mus.880180610",
       checked="abstract (two public copies): authors, journal, year, volume, pages, DOI; 48 "
       "HNPP motor nerves: focal slowing at the usual compression sites in 80% of ulnar and 12% "
       "of peroneal nerves, conduction block in 6%"),
    # --- acute motor axonal neuropathy (Guillain-Barré syndrome) ----------------------------
    _r("Asbury & Cornblath 1990", "Asbury AK, Cornblath DR", 1990,
       "Assessment of current diagnostic criteria for Guillain-Barré syndrome", "Ann Neurol",
       "27 Suppl", "S21-S24",
       checked="criteria seen in reproductions of its table (journal case reports citing it): "
       "required progressive weakness of more than one limb and areflexia; supportive "
       "progression over up to 4 weeks, relative symmetry, recovery 2-4 weeks after progression "
       "stops, CSF protein raised after the first week with 10 or fewer cells; doubt with "
       "marked persistent asymmetry or more than 50 cells. Volume and pages as cited there, "
       "the paper's own page not seen"),
    _r("Sejvar 2011", "Sejvar JJ, Kohl KS, Gidudu J, et al.", 2011,
       "Guillain-Barré syndrome and Fisher syndrome: case definitions and guidelines for "
       "collection, analysis, and presentation of immunization safety data", "Vaccine",
       "29(3)", "599-612", doi="10.1016/j.vaccine.2010.06.003",
       checked="journal page: title, journal, year, volume, pages; level 1 begins with "
       "bilateral and flaccid limb weakness; the other items (reflexes, onset to nadir 12 h to "
       "28 days with plateau, electrophysiology, CSF protein with fewer than 50 cells, no "
       "alternative diagnosis) and levels 2-3 as in Fokke 2014, which validates them"),
    _r("Fokke 2014", "Fokke C, van den Berg B, Drenthen J, et al.", 2014,
       "Diagnosis of Guillain-Barré syndrome and validation of Brighton criteria", "Brain",
       "137", "33-43", doi="10.1093/brain/awt285",
       checked="article first page: journal, year, volume, pages; 494 patients; weakness "
       "restricted to the legs in 6% and to the arms in 1%"),
    _r("Hadden 1998", "Hadden RD, Cornblath DR, Hughes RA, et al.", 1998,
       "Electrophysiological classification of Guillain-Barré syndrome: clinical associations "
       "and outcome", "Ann Neurol", "44(5)", "780-788",
       checked="abstract and index record: journal, year, volume, pages; 369 trial patients; "
       "axonal 3%; 6 of 10 axonal patients had preceding diarrhoea; pure motor GBS more often "
       "with IgG anti-GM1 and preceding diarrhoea; axonal group more often normal sensory "
       "action potentials; 1 of 10 axonal patients dead or unable to walk at 48 weeks"),
    _r("Kuwabara 1998", "Kuwabara S, Asahina M, Koga M, Mori M, Yuki N, Hattori T", 1998,
       "Two patterns of clinical recovery in Guillain-Barré syndrome with IgG anti-GM1 "
       "antibody", "Neurology", "51(6)", "1656-1660", doi="10.1212/WNL.51.6.1656",
       checked="abstract (library record): journal, year, volume, pages; 19 IgG anti-GM1 "
       "positive patients: 5 unable to walk independently at 6 months, 9 improved by two or "
       "more Hughes grades within a month; two patterns, early reversible effects besides "
       "axonal degeneration"),
    _r("Takahashi 2005", "Takahashi M, Koga M, Yokoyama K, Yuki N", 2005,
       "Epidemiology of Campylobacter jejuni isolated from patients with Guillain-Barré and "
       "Fisher syndromes in Japan", "J Clin Microbiol", "43(1)", "335-339",
       doi="10.1128/JCM.43.1.335-339.2005", pmid="15634991",
       checked="PMC abstract: journal, year, volume, pages; median 10 days from diarrhoea to "
       "neurological onset; male:female 1.7:1 in GBS"),
    _r("Willison 2016", "Willison HJ, Jacobs BC, van Doorn PA", 2016, "Guillain-Barré syndrome",
       "Lancet", "388", "717-727", doi="10.1016/S0140-6736(16)00339-1",
       checked="journal page summary: respiratory failure in 20-30% of cases; IVIg or plasma "
       "exchange the optimal management; volume and pages from the article's first page"),
    _r("Hegen 2020", "Hegen H, Ladstätter F, Bsteh G, et al.", 2020,
       "Cerebrospinal fluid protein in Guillain-Barré syndrome: need for age-dependent "
       "interpretation", "Eur J Neurol", "28(3)", "965-973", doi="10.1111/ene.14600",
       pmid="33073472",
       checked="PMC abstract: 97 patients; with the 0.45 g/L limit protein raised in 46%, "
       "84%, 78% and 100% at 0-3, 4-7, 8-14 and more than 14 days; median 0.65 g/L (published "
       "online 2020, issue 2021)"),
    _r("Plasma Exchange/Sandoglobulin GBS Trial Group 1997",
       "Plasma Exchange/Sandoglobulin Guillain-Barré Syndrome Trial Group", 1997,
       "Randomised trial of plasma exchange, intravenous immunoglobulin, and combined "
       "treatments in Guillain-Barré syndrome", "Lancet", "349(9047)", "225-230",
       doi="10.1016/S0140-6736(96)09095-2",
       checked="journal page abstract: 379 patients; PE and IVIg (0.4 g/kg for 5 days) "
       "equivalent at 4 weeks (improvement 0.9 and 0.8 grades), combination no better"),
    _r("van der Meché 1992", "van der Meché FG, Schmitz PI", 1992,
       "A randomized trial comparing intravenous immune globulin and plasma exchange in "
       "Guillain-Barré syndrome", "N Engl J Med", "326(17)", "1123-1129",
       doi="10.1056/NEJM199204233261705", pmid="1552913",
       checked="PubMed abstract: 150 patients; improved one grade at 4 weeks 53% with IVIg vs "
       "34% with PE; median time to improve one grade 27 vs 41 days"),
    _r("Hughes 2014", "Hughes RA, Swan AV, van Doorn PA", 2014,
       "Intravenous immunoglobulin for Guillain-Barré syndrome", "Cochrane Database Syst Rev",
       "2014(9)", "CD002063",
       checked="PMC copy of the abstract (update searched to December 2013): IVIg compared "
       "with PE and supportive care; authors and issue from the Cochrane listing, not seen on "
       "that page"),
    _r("Chevret 2017", "Chevret S, Hughes RAC, Annane D", 2017,
       "Plasma exchange for Guillain-Barré syndrome", "Cochrane Database Syst Rev", "2017(2)",
       "CD001798", doi="10.1002/14651858.CD001798.pub3",
       checked="Cochrane abstract: time to walk with aid 30 vs 44 days with PE in 220 severe "
       "patients; more patients walking with aid at 4 weeks (RR 1.60)"),
    _r("Hughes 1978", "Hughes RAC, Newsom-Davis JM, Perkin GD, Pierce JM", 1978,
       "Controlled trial of prednisolone in acute polyneuropathy", "Lancet", "2(8093)",
       "750-753", doi="10.1016/s0140-6736(78)92644-2", pmid="80682",
       checked="PubMed abstract: journal, year, volume, pages; patients graded on a "
       "six-point disability scale (the GBS disability scale); prednisolone not beneficial"),
    _r("Hughes 2016", "Hughes RA, Brassington R, Gunn AA, van Doorn PA", 2016,
       "Corticosteroids for Guillain-Barré syndrome", "Cochrane Database Syst Rev", "2016(10)",
       "CD001446", doi="10.1002/14651858.CD001446.pub5",
       checked="Cochrane abstract: no significant difference in disability at 4 weeks "
       "(6 trials, 587 participants); oral corticosteroids less improvement"),
    # --- the fibre model of the mechanism view ------------------------------------------------
    _r("McIntyre 2002", "McIntyre CC, Richardson AG, Grill WM", 2002,
       "Modeling the excitability of mammalian nerve fibers: influence of afterpotentials on "
       "the recovery cycle", "J Neurophysiol", "87", "995-1006",
       checked="the model's published source files (header citation: authors, title, journal, "
       "volume, pages, year) for the nodal channels (fast and persistent sodium, slow "
       "potassium, leak: conductances, reversal potentials, rate constants, Q10 factors) and "
       "the fibre table (nine fibres 5.7-16 um: axon and node diameters, node spacing, "
       "paranode lengths, lamellae, resistivity, myelin per lamella); the article itself not "
       "seen"),
    _r("Susuki 2007", "Susuki K, Rasband MN, Tohyama K, Koibuchi K, Okamoto S, Funakoshi K, "
       "Hirata K, Baba H, Yuki N", 2007,
       "Anti-GM1 antibodies cause complement-mediated disruption of sodium channel clusters in "
       "peripheral motor nerve fibers", "J Neurosci", "27(15)", "3956-3967", pmid="17428969",
       checked="PubMed Central copy of the abstract: journal, volume, pages, PMID; content "
       "(in a rabbit model of acute motor axonal neuropathy, Nav clusters disrupted or gone at "
       "abnormally lengthened nodes with IgG and complement; paranodal junctions disrupted). "
       "An animal model of AMAN, not MMN; the author list after the first author not "
       "confirmed"),
    _r("Babbs & Shi 2013", "Babbs CF, Shi R", 2013,
       "Subtle paranodal injury slows impulse conduction in a mathematical model of myelinated "
       "axons", "PLoS ONE", "8(7)", "e67767",
       checked="PubMed Central copy of the abstract (PMC3701069): content (21-node model; "
       "widened nodes slow conduction from 19.1 to 7.8 m/s; paranodal detachment exposing "
       "juxtaparanodal potassium channels slows it to 6.6 m/s). Volume and article number "
       "not seen in that copy"),
    _r("Hursh 1939", "Hursh JB", 1939, "Conduction velocity and diameter of nerve fibers",
       "Am J Physiol",
       checked=_UNV + "cited for the textbook factor of about 6 m/s of conduction velocity "
       "per um of myelinated fibre diameter; volume and pages left empty"),
    # --- other ---------------------------------------------------------------------------------
    _r("Howard 2021", "Howard JF Jr, Bril V, Vu T, et al.", 2021,
       "Safety, efficacy, and tolerability of efgartigimod in patients with generalised "
       "myasthenia gravis (ADAPT): a multicentre, randomised, placebo-controlled, phase 3 "
       "trial", "Lancet Neurol", "20", "526-536",
       checked="partly: copy of the article's first page: title, authors, journal, year, "
       "volume, pages, design (efgartigimod 10 mg/kg in cycles of four weekly infusions). The "
       "mean maximum IgG reduction of 61% cited in the code was not in the part seen; the "
       "ADAPT+ extension abstract reports a mean total IgG reduction of 55.9%"),
)

BIBLIOGRAPHY: dict[str, Reference] = {r.key: r for r in _ENTRIES}

# Names the text uses for a source instead of its author-year key.
ALIASES: dict[str, str] = {
    "EFNS/PNS 2010": "van Schaik 2010",
    "EAN/PNS 2021": "Van den Bergh 2021",
    "Gold Coast criteria 2020": "Shefner 2020",
}

_LOW = r"(?:(?:van|de|von|der|den|da|di|Van|De|La|Le|Di)\s+)"
_NAME = r"[A-ZÀ-Ý][a-zà-ÿ'’]+(?:-[A-ZÀ-Ý][a-zà-ÿ'’]+)*"
_SUR = rf"{_LOW}{{0,2}}{_NAME}"
_INIT = r"(?:\s+[A-Z]{1,4}(?:\s+Jr)?)?"  # Vancouver initials: "Hahn AF", "Howard JF Jr"
_JOURNALS = ("J Peripher Nerv Syst", "J Neurol Neurosurg Psychiatry", "J Neurol Sci",
             "J Neurol", "Neurology", "Brain", "Lancet Neurol", "Muscle Nerve",
             "Clin Neurophysiol", "N Engl J Med", "Eur J Neurol", "Ann Neurol", "Arch Neurol",
             "Amyotroph Lateral Scler", "Neuroepidemiology", "BMC Res Notes",
             "Cochrane Database Syst Rev", "Cell", "Vaccine", "Lancet", "J Clin Microbiol")
_J = "|".join(re.escape(j) for j in sorted(_JOURNALS, key=len, reverse=True))
# Surname [initials] [& Surname | et al.][,] [Journal] Year[a|b]
_CITE = re.compile(
    rf"(?<![\w-])(?P<a>{_SUR}){_INIT}(?:\s+(?:&|and)\s+(?P<b>{_SUR}){_INIT}|\s+et\s+al\.?)?"
    rf",?\s+(?:(?P<j>{_J})\.?,?\s+)?(?P<y>(?:19|20)\d\d[ab]?)(?![\w])")
# Entries also published in a second journal (the same text), which the text may cite.
CO_PUBLISHED: dict[str, tuple[str, ...]] = {"Van den Bergh 2021": ("Eur J Neurol",)}
# Capitalised words before a year that are not citations (explicit, kept short).
_JOURNAL_YEAR = re.compile(rf"(?<![\w-])(?P<j>{_J})\.?,?\s+(?P<y>(?:19|20)\d\d)(?![\w])")
NOT_CITATIONS = frozenset({
    "In", "Since", "From", "Until", "Before", "After", "By", "The", "Of", "Copyright",
    "Python", "WCAG",
})


def get(key: str) -> Reference:
    """The reference for an in-text key (or an alias such as "EFNS/PNS 2010")."""
    return BIBLIOGRAPHY[ALIASES.get(key, key)]


def full(key: str) -> str:
    """One formatted citation line: authors. title. journal year;volume:pages. doi. PMID."""
    r = get(key)
    where = f"{r.journal} {r.year}"
    if r.volume:
        where += f";{r.volume}"
        if r.pages:
            where += f":{r.pages}"
    elif r.pages:
        where += f":{r.pages}"
    line = f"{r.authors.rstrip('.')}. {r.title.rstrip('.')}. {where}."
    if r.doi:
        line += f" doi:{r.doi}."
    if r.pmid:
        line += f" PMID {r.pmid}."
    return line


def _flatten(text: str) -> str:
    """One line: comment markers at line starts dropped, so a key split over lines reads."""
    text = re.sub(r"(?<=[^\\])[\"']\s*\n\s*[frb]?[\"']", "", text)  # "a "\n "b" (Python)
    return re.sub(r"\s*\n\s*(?:#+|//|\*|>)?\s*", " ", text)


def keys_in(text: str) -> list[str]:
    """The cited keys in ``text``, in order of first appearance.

    Recognises "Surname Year", "Surname et al. Year", "Surname & Surname Year" and Vancouver
    forms ("Hahn AF et al. J Peripher Nerv Syst 2013;18:321"), plus the keys and aliases of
    the bibliography written out as they are. A Vancouver citation whose author-year fits two
    entries ("van Schaik ... Lancet Neurol 2010") is resolved by its journal.
    """
    flat = _flatten(text)
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for name in sorted([*BIBLIOGRAPHY, *ALIASES], key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w])", flat):
            if not any(s <= m.start() < e for s, e in taken):
                found.append((m.start(), ALIASES.get(name, name)))
                taken.append((m.start(), m.end()))
    for m in _JOURNAL_YEAR.finditer(flat):
        if not any(s <= m.start() < e for s, e in taken):
            found.append((m.start(), _journal_key(m["j"], int(m["y"]), flat[:m.start()])))
            taken.append((m.start(), m.end()))
    for m in _CITE.finditer(flat):
        if any(s <= m.start() < e or s < m.end() <= e for s, e in taken):
            continue
        if m["a"] in NOT_CITATIONS:
            continue
        key = f"{m['a']} & {m['b']} {m['y']}" if m["b"] else f"{m['a']} {m['y']}"
        found.append((m.start(), _by_journal(key, m["j"])))
    return list(dict.fromkeys(k for _, k in sorted(found)))


def _journal_key(journal: str, year: int, before: str) -> str:
    """The entry a "Journal Year" citation points to: the one of that journal and year, or,
    if several or none, the one whose first author is named just before it."""
    same = [k for k, r in BIBLIOGRAPHY.items() if r.year == year and r.journal == journal]
    if len(same) == 1:
        return same[0]
    near = before[-250:]
    pool = same or [k for k, r in BIBLIOGRAPHY.items() if r.year == year]
    at = {k: max((m.end() for m in re.finditer(
        rf"(?<![\w-]){re.escape(k.rsplit(' ', 1)[0].split(' & ')[0])}(?![\w-])", near)),
        default=-1) for k in pool}
    named = sorted((pos, k) for k, pos in at.items() if pos >= 0)
    if not named:
        return f"{journal} {year}"
    key = named[-1][1]
    ok = journal in (BIBLIOGRAPHY[key].journal, *CO_PUBLISHED.get(key, ()))
    return key if ok else f"{key} [not in {journal}]"


def _by_journal(key: str, journal: str | None) -> str:
    """Pick among entries sharing an author-year (a/b suffixes) by the cited journal."""
    if not journal:
        return key
    same = [k for k in BIBLIOGRAPHY if k.rstrip("ab") == key.rstrip("ab")]
    hit = [k for k in same if BIBLIOGRAPHY[k].journal == journal]
    return hit[0] if len(hit) == 1 else key


def markdown(keys: list[str] | None = None) -> str:
    """A Markdown list of full references (all entries, or ``keys``), sorted by key."""
    chosen = sorted(keys if keys is not None else BIBLIOGRAPHY, key=str.lower)
    return "\n".join(f"- **{k}**: {full(k)}" for k in chosen if ALIASES.get(k, k) in
                     BIBLIOGRAPHY)


def references_md() -> str:
    """The text of docs/references.md: every entry, its full reference and what was checked."""
    n, ok = len(BIBLIOGRAPHY), sum(r.verified for r in BIBLIOGRAPHY.values())
    lines = ["# References", "",
             "Every source the simulator cites, by the key used in the code, presets, validation "
             "targets and docs. Generated from `sim/references.py` (`python -m sim.references "
             "> docs/references.md`); `tests/test_references.py` checks that the two match.", "",
             f"{n} entries; {ok} checked against the source (fully or in part), {n - ok} not "
             "yet verified (their details are left empty or marked as not verified).", ""]
    for key in sorted(BIBLIOGRAPHY, key=str.lower):
        lines += [f"- **{key}**: {full(key)}", f"  *Checked:* {BIBLIOGRAPHY[key].checked}."]
    aliases = "; ".join(f"{a} = {k}" for a, k in ALIASES.items())
    return "\n".join([*lines, "", f"Other names used in the text: {aliases}.", ""])


if __name__ == "__main__":
    print(references_md(), end="")
