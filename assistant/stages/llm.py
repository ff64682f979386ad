"""The LLM answerer: any OpenAI-compatible chat server (vLLM, Ollama, LM Studio, llama.cpp)
through LangChain's ChatOpenAI, answering from the numbered passages only.

The client is built once, when the answerer is warmed (its import alone takes a while), and
shared by all questions. What the model wrote is checked before anyone sees it as final
(stages/llm_citations.py). A server that is unreachable, errs or is too slow raises
LLMUnavailable, and the assistant answers extractively instead.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from assistant.stages.answerer import AnswerRequest, TokenSink
from assistant.stages.llm_citations import build_answer
from assistant.stages.prompts import SYSTEM_PROMPT, user_message
from assistant.types import ABSTAIN_TEXT, Answer, AnswerMode
from foundation.settings import LLMSettings


class LLMUnavailable(RuntimeError):
    """The model could not answer (not configured, unreachable, error, timeout); str() is
    the reason, in Dutch."""


def fallback_notice(reason: str) -> str:
    """The notice the assistant adds when it answers extractively instead."""
    return f"Het taalmodel is niet bereikbaar ({reason}); dit antwoord is extractief samengesteld."


class LLMAnswerer:
    mode: AnswerMode = "llm"

    def __init__(self, config: LLMSettings) -> None:
        self.config = config
        self._chat: Any = None
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Build the chat client once (nothing to build without a server URL)."""
        if not self.config.enabled or self._chat is not None:
            return
        with self._lock:
            if self._chat is None:
                self._chat = self._make_chat(self.config)

    @staticmethod
    def _make_chat(config: LLMSettings) -> Any:
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        return ChatOpenAI(
            base_url=config.base_url,
            model=config.model or "default",
            api_key=SecretStr(config.api_key),
            timeout=config.timeout,
            max_retries=0,  # a dead server must fail fast; the assistant falls back
            temperature=config.temperature,
            streaming=True,
        )

    def answer(self, request: AnswerRequest, on_token: TokenSink | None = None) -> Answer:
        """Stream the model's answer (on_token gets raw chunks as they arrive; the final
        Answer.text is the checked version and should replace what was streamed)."""
        from langchain_core.messages import HumanMessage, SystemMessage

        if not self.config.enabled:
            raise LLMUnavailable("geen VRAAGBAAK_LLM_BASE_URL ingesteld")
        asked, passages = request.question, request.passages
        # a follow-up: the user's own words, with the conversation's context beside them
        question = asked.text if asked.context else asked.query
        if not passages:
            return build_answer(question, ABSTAIN_TEXT, [])
        self.warm()
        message = user_message(question, passages, asked.context)
        messages = [SystemMessage(SYSTEM_PROMPT), HumanMessage(message)]
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


def _reason(exc: Exception, config: LLMSettings) -> str:
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
