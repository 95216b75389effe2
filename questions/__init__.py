"""The pillar as data: typed, validated question banks. Imports nothing else of pillar."""

from questions.loader import BankError, load_pillar, load_question, security_pillar
from questions.model import (
    Area,
    BestPractice,
    ClassicArea,
    Effort,
    EvidenceRole,
    Pillar,
    Question,
    Risk,
)

__all__ = [
    "Area",
    "BankError",
    "BestPractice",
    "ClassicArea",
    "Effort",
    "EvidenceRole",
    "Pillar",
    "Question",
    "Risk",
    "load_pillar",
    "load_question",
    "security_pillar",
]
