"""Citation registry: every result can list the papers it used.

Code that implements a published equation or uses a published number calls :func:`register` with
the paper's key when it runs (pattern after PyBaMM's ``citations.register``). A report collects the
keys registered while it was built with :func:`collecting`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from lisse.errors import ParameterError

__all__ = ["Citation", "CITATIONS", "register", "cited", "collecting", "get", "add"]


@dataclass(frozen=True)
class Citation:
    """One bibliographic reference.

    Parameters
    ----------
    key : str
        Registry key, ``FirstAuthorYear`` style (e.g. ``"Newman2004"``), used by :func:`register`.
    authors : str
        Author list as it should be printed.
    title : str
        Title of the work.
    venue : str
        Journal with volume and pages, or publisher.
    year : int
        Year of publication (calendar year).
    doi : str or None, optional
        DOI without the ``https://doi.org/`` prefix.
    """

    key: str
    authors: str
    title: str
    venue: str
    year: int
    doi: str | None = None

    def text(self) -> str:
        """Format the reference as one line of text.

        Returns
        -------
        str
            ``"authors, title, venue (year), doi:..."`` (the DOI part only when there is one).
        """
        doi = f", doi:{self.doi}" if self.doi else ""
        return f"{self.authors}, {self.title}, {self.venue} ({self.year}){doi}"


CITATIONS: dict[str, Citation] = {}


def add(c: Citation) -> Citation:
    """Add a citation to the registry (idempotent for identical entries).

    Parameters
    ----------
    c : Citation
        The reference to register under ``c.key``.

    Returns
    -------
    Citation
        ``c`` itself, so that modules can write ``REF = add(Citation(...))``.

    Raises
    ------
    ParameterError
        If ``c.key`` is already registered with different content.
    """
    old = CITATIONS.get(c.key)
    if old is not None and old != c:
        raise ParameterError(f"citation key '{c.key}' is already registered with different content")
    CITATIONS[c.key] = c
    return c


for _c in (
    Citation("Ji2025", "Ji et al.", "Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type solid-state batteries", "Nature Communications 15, 9920", 2024, "10.1038/s41467-024-54234-w"),  # key kept as "Ji2025" (used throughout)
    Citation("Su2024", "Su et al.", "A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries", "Nature Communications 15", 2024, "10.1038/s41467-024-48585-7"),
    Citation("Chu2024", "Chu et al.", "Optimization strategies for key interfaces of LLZO-based solid-state lithium metal batteries", "Materials Chemistry Frontiers", 2024, "10.1039/d3qm01111a"),
    Citation("Wang2024", "Wang et al.", "Lithium anode interlayer design for all-solid-state lithium-metal batteries", "Nature Energy 9", 2024, "10.1038/s41560-023-01426-1"),
    Citation("CRC2016", "Haynes (ed.)", "CRC Handbook of Chemistry and Physics, 97th edition", "CRC Press", 2016, "10.1201/9781315380476"),
    Citation("IUPAC2021", "Prohaska et al.", "Standard atomic weights of the elements 2021", "Pure Appl. Chem. 94, 573", 2022, "10.1515/pac-2019-0603"),
    Citation("CODATA2018", "Tiesinga, Mohr, Newell, Taylor", "CODATA recommended values of the fundamental physical constants: 2018", "Rev. Mod. Phys. 93, 025010", 2021, "10.1103/RevModPhys.93.025010"),
    # cited by the CCD analysis and by the synthetic cycling data that validates it
    Citation("Kasemchainan2019", "Kasemchainan, J.; Zekoll, S.; Spencer Jolly, D.; et al.",
             "Critical stripping current leads to dendrite formation on plating in lithium anode solid electrolyte cells",
             "Nat. Mater. 18, 1105-1111", 2019, "10.1038/s41563-019-0438-9"),
    # independent checks of the interface contact law (lisse.sim.interface.cases.EXTRA_CASES)
    Citation("WangChoudhury2019", "Wang, M. J.; Choudhury, R.; Sakamoto, J.",
             "Characterizing the Li-solid-electrolyte interface dynamics as a function of stack pressure and current density",
             "Joule 3, 2165-2178", 2019, "10.1016/j.joule.2019.06.017"),
    Citation("Roy2021", "Roy, U.; Fleck, N. A.; Deshpande, V. S.", "An assessment of a mechanism for void growth in Li anodes",
             "Extreme Mech. Lett. 46, 101307", 2021, "10.1016/j.eml.2021.101307"),
    Citation("Singh2022", "Singh, D. K.; Henss, A.; Mogwitz, B.; et al.",
             "Li6PS5Cl microstructure and influence on dendrite growth in solid-state batteries with lithium metal anode",
             "Cell Rep. Phys. Sci. 3, 101043", 2022, "10.1016/j.xcrp.2022.101043"),
    # literature parameters of the materials library (Li mechanics and transport, flaw-based penetration)
    Citation("LePage2019", "LePage, W. S.; Chen, Y.; Kazyak, E.; et al.",
             "Lithium mechanics: roles of strain rate and temperature and implications for lithium metal batteries",
             "J. Electrochem. Soc. 166, A89-A97", 2019, "10.1149/2.0221902jes"),
    Citation("Masias2019", "Masias, A.; Felten, N.; Garcia-Mendez, R.; Wolfenstine, J.; Sakamoto, J.",
             "Elastic, plastic, and creep mechanical properties of lithium metal", "J. Mater. Sci. 54, 2585-2600", 2019,
             "10.1007/s10853-018-2971-3"),
    Citation("Krauskopf2019", "Krauskopf, T.; Hartmann, H.; Zeier, W. G.; Janek, J.",
             "Toward a fundamental understanding of the lithium metal anode in solid-state batteries: an electrochemo-mechanical "
             "study on the garnet-type solid electrolyte Li6.25Al0.25La3Zr2O12", "ACS Appl. Mater. Interfaces 11, 14463-14477", 2019,
             "10.1021/acsami.9b02537"),
    Citation("Porz2017", "Porz, L.; Swamy, T.; Sheldon, B. W.; et al.",
             "Mechanism of lithium metal penetration through inorganic solid electrolytes", "Adv. Energy Mater. 7, 1701003", 2017,
             "10.1002/aenm.201701003"),
    Citation("Pei2017", "Pei, A.; Zheng, G.; Shi, F.; Li, Y.; Cui, Y.",
             "Nanoscale nucleation and growth of electrodeposited lithium metal", "Nano Lett. 17, 1132-1139", 2017,
             "10.1021/acs.nanolett.6b04755"),
):
    add(_c)

_stack: list[set[str]] = []


def get(key: str) -> Citation:
    """Look up the citation for ``key``.

    Parameters
    ----------
    key : str
        A key of :data:`CITATIONS`.

    Returns
    -------
    Citation
        The registered reference.

    Raises
    ------
    ParameterError
        If the key is unknown; the message suggests close matches.
    """
    try:
        return CITATIONS[key]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(key, CITATIONS, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ParameterError(f"unknown citation key '{key}'{hint}") from None


def register(*keys: str) -> None:
    """Record that the running code used these references.

    Every active :func:`collecting` block receives the keys.

    Parameters
    ----------
    *keys : str
        Keys of :data:`CITATIONS`.

    Raises
    ------
    ParameterError
        If a key is unknown (checked before anything is recorded for that key).
    """
    for key in keys:
        get(key)
        for s in _stack:
            s.add(key)


@contextlib.contextmanager
def collecting() -> Iterator[set[str]]:
    """Collect the keys registered inside the ``with`` block (blocks nest: each gets every key).

    Yields
    ------
    set of str
        The keys passed to :func:`register` while the block runs (filled in place).
    """
    keys: set[str] = set()
    _stack.append(keys)
    try:
        yield keys
    finally:
        _stack.remove(keys)


def cited(keys: set[str] | list[str]) -> list[Citation]:
    """Return the citations for ``keys``, sorted by key.

    Parameters
    ----------
    keys : set of str or list of str
        Citation keys, e.g. the set yielded by :func:`collecting`.

    Returns
    -------
    list of Citation
        One entry per key, in key order.

    Raises
    ------
    ParameterError
        If a key is unknown.
    """
    return [get(k) for k in sorted(keys)]
