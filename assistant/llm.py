"""LLM mode: any OpenAI-compatible chat server (vLLM, Ollama, LM Studio, llama.cpp) through
LangChain's ChatOpenAI.

A model can cite a passage it was never given or cite nothing at all; staff paste answers
into memos, so the answer is checked after generation: markers to unknown passages are
removed and reported, an answer without any valid citation is flagged, and every kept
citation gets the passage sentence(s) that support the sentence citing it. Citations are
renumbered 1..m in order of first appearance, text and sources together.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.prompts import ABSTAIN_TEXT, SYSTEM_PROMPT, user_message
from assistant.types import QUOTE_GAP, Answer, Citation, Passage
from foundation.lexical import content_terms
from foundation.sentences import sentence_spans

DEFAULT_TIMEOUT = 60.0
DEFAULT_API_KEY = "not-needed"
NO_CITATION_NOTICE = (
    "Let op: dit antwoord verwijst naar geen enkele bron; controleer het in de documenten "
    "voordat u het gebruikt."
)


class LLMUnavailable(RuntimeError):
    """The model could not answer (unreachable, error, timeout); str() is the reason."""


def fallback_notice(reason: str) -> str:
    """The notice the service adds when it answers extractively instead."""
    return f"Het taalmodel is niet bereikbaar ({reason}); dit antwoord is extractief samengesteld."


@dataclass(frozen=True)
class LLMConfig:
    base_url: str = ""
    model: str = ""
    api_key: str = DEFAULT_API_KEY
    timeout: float = DEFAULT_TIMEOUT
    temperature: float = 0.0

    @property
    def enabled(self) -> bool:
        """LLM mode is opt-in: without a server URL the assistant stays extractive."""
        return bool(self.base_url)

    @classmethod
    def from_env(cls) -> LLMConfig:
        raw_timeout = os.environ.get("VRAAGBAAK_LLM_TIMEOUT", "").strip()
        try:
            timeout = float(raw_timeout) if raw_timeout else DEFAULT_TIMEOUT
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        return cls(
            base_url=os.environ.get("VRAAGBAAK_LLM_BASE_URL", "").strip(),
            model=os.environ.get("VRAAGBAAK_LLM_MODEL", "").strip(),
            api_key=os.environ.get("VRAAGBAAK_LLM_API_KEY", "").strip() or DEFAULT_API_KEY,
            timeout=timeout if timeout > 0 else DEFAULT_TIMEOUT,
        )


# ---------------------------------------------------------------------------
# Citation checking

_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")


def _numbers(group: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", group)]


def clean_markers(text: str, given: int) -> tuple[str, list[int], list[int]]:
    """(text with only valid markers, valid numbers in order of first use, removed numbers).

    Handles [1], [1, 2] and [1][2]; a marker to a passage that was not given is dropped.
    """
    valid_order: list[int] = []
    removed: list[int] = []

    def repl(m: re.Match[str]) -> str:
        keep = []
        for n in _numbers(m.group(1)):
            if 1 <= n <= given:
                keep.append(n)
                if n not in valid_order:
                    valid_order.append(n)
            elif n not in removed:
                removed.append(n)
        keep = list(dict.fromkeys(keep))
        return f"[{', '.join(map(str, keep))}]" if keep else ""

    out = _MARKER.sub(repl, text)
    out = re.sub(r"[ \t]+([.,;:!?])", r"\1", out)  # "woord [7]." -> "woord."
    out = re.sub(r"[ \t]{2,}", " ", out)
    return out.strip(), valid_order, removed


def renumber(text: str, order: list[int]) -> str:
    """Old passage numbers -> 1..m in order of first appearance."""
    new = {old: i for i, old in enumerate(order, start=1)}

    def repl(m: re.Match[str]) -> str:
        return "[" + ", ".join(str(new[n]) for n in _numbers(m.group(1)) if n in new) + "]"

    return _MARKER.sub(repl, text)


def _claims(text: str) -> list[tuple[str, set[int]]]:
    """Answer sentences (or list lines) with the passage numbers each one cites."""
    out = []
    for part in re.split(r"(?<=[.!?])\s+|\n+", text):
        nums = {n for g in _MARKER.findall(part) for n in _numbers(g)}
        if nums:
            out.append((_MARKER.sub("", part), nums))
    return out


def supporting_quote(passage_text: str, claims: Sequence[str]) -> str:
    """For each claim the passage sentence sharing the most content words with it, as exact
    passage text in document order (gaps shown as an ellipsis)."""
    spans = sentence_spans(passage_text)
    if not spans:
        return passage_text.strip()
    terms = [set(content_terms(passage_text[a:b])) for a, b in spans]
    picked: set[int] = set()
    for claim in claims:
        want = set(content_terms(claim))
        best = max(range(len(spans)), key=lambda i: (len(want & terms[i]), -i))
        picked.add(best)
    runs: list[list[int]] = []
    for i in sorted(picked):
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i  # neighbouring sentences quote as one stretch of text
        else:
            runs.append([i, i])
    return QUOTE_GAP.join(passage_text[spans[a][0] : spans[b][1]] for a, b in runs)


def _citation(n: int, passage: Passage, quote: str) -> Citation:
    return Citation.from_passage(n, passage, quote)


def _is_abstention(text: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"[^\w]+", " ", s.lower()).strip()

    return (
        norm(text).startswith(norm(ABSTAIN_TEXT))
        and len(norm(text)) <= len(norm(ABSTAIN_TEXT)) + 40
    )


def build_answer(question: str, raw: str, passages: Sequence[Passage]) -> Answer:
    """The checked answer for the model's raw text."""
    text, order, removed = clean_markers(raw, len(passages))
    notices = [f"Verwijzing [{n}] verwijderd: die bron is niet meegegeven." for n in removed]
    if not order and _is_abstention(text):
        return Answer(
            question, ABSTAIN_TEXT, [], "llm", True, notices=notices, passages=list(passages)
        )
    text = renumber(text, order)
    claims = _claims(text)
    citations = []
    for new_n, old_n in enumerate(order, start=1):
        passage = passages[old_n - 1]
        citing = [c for c, nums in claims if new_n in nums] or [text]
        citations.append(_citation(new_n, passage, supporting_quote(passage.text, citing)))
    flagged = not citations
    if flagged:
        notices.append(NO_CITATION_NOTICE)
    return Answer(
        question=question,
        text=text,
        citations=citations,
        mode="llm",
        abstained=False,
        notices=notices,
        passages=list(passages),
        flagged=flagged,
    )


# ---------------------------------------------------------------------------
# Generation


class LLMAnswerer:
    def __init__(self, config: LLMConfig) -> None:
        if not config.enabled:
            raise LLMUnavailable("geen VRAAGBAAK_LLM_BASE_URL ingesteld")
        self.config = config
        self._chat = self._make_chat(config)

    @staticmethod
    def _make_chat(config: LLMConfig):  # noqa: ANN205 - ChatOpenAI import is lazy
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        return ChatOpenAI(
            base_url=config.base_url,
            model=config.model or "default",
            api_key=SecretStr(config.api_key),
            timeout=config.timeout,
            max_retries=0,  # a dead server must fail fast; the service falls back
            temperature=config.temperature,
            streaming=True,
        )

    def answer(
        self,
        question: str,
        passages: list[Passage],
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Stream the model's answer (on_token gets raw chunks as they arrive; the final
        Answer.text is the checked version and should replace what was streamed)."""
        from langchain_core.messages import HumanMessage, SystemMessage

        if not passages:
            return build_answer(question, ABSTAIN_TEXT, [])
        messages = [SystemMessage(SYSTEM_PROMPT), HumanMessage(user_message(question, passages))]
        started = time.perf_counter()
        pieces: list[str] = []
        try:
            for chunk in self._chat.stream(messages):
                token = chunk.content if isinstance(chunk.content, str) else ""
                if token:
                    pieces.append(token)
                    if on_token is not None:
                        on_token(token)
                if time.perf_counter() - started > self.config.timeout:
                    raise LLMUnavailable(f"geen volledig antwoord binnen {self.config.timeout:g} s")
        except LLMUnavailable:
            raise
        except Exception as exc:  # openai/httpx errors differ per server; all mean "unavailable"
            raise LLMUnavailable(_reason(exc, self.config)) from exc
        answer = build_answer(question, "".join(pieces), passages)
        answer.timings["llm"] = time.perf_counter() - started
        return answer


def _reason(exc: Exception, config: LLMConfig) -> str:
    """A short Dutch reason a user can act on."""
    name = type(exc).__name__
    if "Timeout" in name:
        return f"geen antwoord binnen {config.timeout:g} s"
    if "Connection" in name:
        return f"geen verbinding met {config.base_url}"
    status = getattr(exc, "status_code", None)
    if status is not None:
        return f"de server gaf fout {status}"
    return f"{name}: {str(exc)[:120]}"
