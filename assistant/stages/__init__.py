"""The stages of an answer, each a module with one job and a typed input and output:

1. understand  (understand.py, followup.py, question_type.py)  str -> Question
2. retrieve    (retrieve.py)   Question -> fused candidate Passages + query vector
3. rerank      (rerank.py)     Question + Passages -> reordered Passages, a score each
4. answer      (answerer.py)   AnswerRequest -> Answer, by one of two answerers:
   - extractive (extractive.py): candidates.py -> evidence.py -> relevance.py -> compose.py
   - llm        (llm.py, prompts.py, llm_citations.py)

assistant/service.py runs them in this order.
"""
