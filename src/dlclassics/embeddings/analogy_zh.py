"""A Chinese word-analogy set for vectors trained on People's Daily (January 1998).

Note 001's example 国王 − 王后 = 男人 − 女人 asks word vectors to turn a relation into a
direction. No Chinese analogy set ships in any package we can fetch, so dlclassics builds a
small one in the format of Google's ``questions-words.txt``: ``: section`` lines, then
questions ``a b c d`` read "a is to b as c is to d" (answer: the word nearest to
``b − a + c``). Like Google's set, each section lists word pairs of one relation and asks
every ordered combination of two different pairs, so a section of n pairs has n(n − 1)
questions.

=====================  =====================================  =====  =========
section                relation (pair order)                  pairs  questions
=====================  =====================================  =====  =========
``capital-country``    capital, country (北京 中国)              38      1,406
``province-capital``   provincial capital, province (广州 广东)  27        702
``currency``           country, currency (美国 美元)             13        156
``family``             male, female (国王 王后, 男人 女人)        23        506
=====================  =====================================  =====  =========

2,770 questions, all semantic (Chinese has no inflection for Google's ``gram*`` sections).

How the words were chosen: every word is a single token of the PKU segmentation of People's
Daily, January 1998 (``peoples-daily``, all 1,121,447 words), counted in the real corpus:
every word of the capital, province and currency pairs occurs at least 5 times (word2vec's
default ``min_count``), the family pairs at least 3 times (王后 3, 姐妹 13, …: the notes'
example is kept though 王后 falls under min_count 5 — such questions are then skipped as
out of vocabulary, which is the standard treatment). Capitals are those of January 1998
(汉城 for Seoul, 柏林 for Germany, whose government still sat in 波恩); 新德里 (4
occurrences) is left out; provinces are written short (广东, not 广东省), as the paper does
in most mentions; 印尼 is the paper's usual name for Indonesia. The file
``analogy_zh.txt`` next to this module is generated from :data:`SECTIONS` by
:func:`lines` (a test checks they agree); ``tests`` also recount the words in the real
corpus when it is cached.

License: the word lists are facts compiled for this project (MIT, like dlclassics).

>>> len(list(questions()))
2770
>>> next(questions())
Analogy(section='capital-country', a='北京', b='中国', c='东京', d='日本')
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dlclassics.data.sets.analogy_en import Analogy

PATH = Path(__file__).with_name("analogy_zh.txt")


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    pairs = tuple(tuple(pair.split()) for pair in text.split("，"))
    assert all(len(p) == 2 for p in pairs), text
    return pairs  # type: ignore[return-value]


SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "capital-country": _pairs(
        "北京 中国，东京 日本，华盛顿 美国，莫斯科 俄罗斯，伦敦 英国，巴黎 法国，柏林 德国，"
        "罗马 意大利，汉城 韩国，平壤 朝鲜，伊斯兰堡 巴基斯坦，开罗 埃及，德黑兰 伊朗，"
        "巴格达 伊拉克，曼谷 泰国，河内 越南，马尼拉 菲律宾，雅加达 印尼，堪培拉 澳大利亚，"
        "渥太华 加拿大，巴西利亚 巴西，马德里 西班牙，维也纳 奥地利，华沙 波兰，"
        "布鲁塞尔 比利时，内罗毕 肯尼亚，比勒陀利亚 南非，布宜诺斯艾利斯 阿根廷，"
        "斯德哥尔摩 瑞典，奥斯陆 挪威，哥本哈根 丹麦，安曼 约旦，达卡 孟加拉国，"
        "加拉加斯 委内瑞拉，阿尔及尔 阿尔及利亚，拉巴特 摩洛哥，布加勒斯特 罗马尼亚，"
        "贝尔格莱德 南斯拉夫"
    ),
    "province-capital": _pairs(
        "广州 广东，杭州 浙江，南京 江苏，武汉 湖北，长沙 湖南，成都 四川，西安 陕西，"
        "济南 山东，郑州 河南，石家庄 河北，太原 山西，沈阳 辽宁，长春 吉林，哈尔滨 黑龙江，"
        "合肥 安徽，南昌 江西，福州 福建，昆明 云南，贵阳 贵州，南宁 广西，兰州 甘肃，"
        "西宁 青海，乌鲁木齐 新疆，拉萨 西藏，呼和浩特 内蒙古，银川 宁夏，海口 海南"
    ),
    "currency": _pairs(
        "美国 美元，日本 日元，英国 英镑，德国 马克，法国 法郎，俄罗斯 卢布，中国 人民币，"
        "香港 港元，韩国 韩元，泰国 泰铢，墨西哥 比索，意大利 里拉，印尼 盾"
    ),
    "family": _pairs(
        "国王 王后，男人 女人，父亲 母亲，儿子 女儿，丈夫 妻子，弟弟 妹妹，爷爷 奶奶，"
        "爸爸 妈妈，男孩 女孩，男子 女子，男性 女性，先生 女士，兄弟 姐妹，叔叔 阿姨，"
        "大爷 大娘，孙子 孙女，小伙子 姑娘，老头 老太太，新郎 新娘，男 女，男篮 女篮，"
        "男排 女排，男单 女单"
    ),
}


def lines() -> Iterator[str]:
    """The set in ``questions-words.txt`` format: every ordered pair of different pairs."""
    for section, pairs in SECTIONS.items():
        yield f": {section}"
        for a, b in pairs:
            for c, d in pairs:
                if (a, b) != (c, d):
                    yield f"{a} {b} {c} {d}"


def questions(*, section: str | None = None) -> Iterator[Analogy]:
    """The questions of the shipped file, in file order (only ``section`` if given)."""
    from dlclassics.embeddings.evaluate import read_questions

    for q in read_questions(PATH):
        if section is None or q.section == section:
            yield q


def words() -> list[str]:
    """Every word of the set, once, in first-use order."""
    return list(dict.fromkeys(w for pairs in SECTIONS.values() for pair in pairs for w in pair))


if __name__ == "__main__":  # regenerate the data file: python -m dlclassics.embeddings.analogy_zh
    from dlclassics.io import write_text

    write_text(PATH, "\n".join(lines()) + "\n")
