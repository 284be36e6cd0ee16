#!/usr/bin/env python3
"""Generate src/retrieve/stopwords.inc: one sorted table of (word, language mask).

Words are written folded (lower case, no diacritics), as the tokenizer compares
them after folding. Lists are short on purpose: the most frequent function
words of each language (they drive language detection and are dropped from
the index). Run: python3 tools/gen_stopwords.py > src/retrieve/stopwords.inc
Order of languages = enum quire_lang in include/quire/lang.h (bit i+1... see LANGS).
"""
LISTS = {
 "en": """a about above after again against all am an and any are as at be because been
 before being below between both but by can could did do does doing down during each few
 for from further had has have having he her here hers herself him himself his how i if in
 into is it its itself just me more most my myself no nor not now of off on once only or
 other our ours ourselves out over own same she should so some such than that the their
 theirs them themselves then there these they this those through to too under until up
 very was we were what when where which while who whom why will with would you your yours
 yourself yourselves also may might must shall upon""",
 "fr": """a ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez
 aurions aurons auront aux avaient avais avait avec avez aviez avions avons ayant ayez
 ayons c ce ceci cela celle celles celui ces cet cette d dans de des donc du elle elles
 en es est et etaient etais etait etant ete etee etees etes etiez etions eu eue eues eus
 eut eux fut il ils j je l la le les leur leurs lui m ma mais me meme mes moi mon n ne
 ni nos notre nous on ont ou par pas pour qu que quel quelle quelles quels qui s sa sans
 se sera serai seraient serais serait seras serez seriez serions serons seront ses si son
 sont sur t ta te tes toi ton tous tout toute toutes tu un une vos votre vous y
 pourquoi comment quand combien quoi lequel laquelle lesquels lesquelles dont""",
 "de": """aber alle allem allen aller alles als also am an ander andere anderem anderen
 anderer anderes auch auf aus bei bin bis bist da damit dann das dass dein deine deinem
 deinen deiner dem den denn der des dich die dies diese diesem diesen dieser dieses dir
 doch dort du durch ein eine einem einen einer eines er es etwas euch euer eure fur gegen
 hab habe haben hat hatte hatten hier hin ich ihm ihn ihnen ihr ihre ihrem ihren ihrer
 im in ins ist ja jede jedem jeden jeder jedes kein keine keinem keinen keiner man manche
 mein meine meinem meinen meiner mich mir mit muss nach nicht nichts noch nun nur ob oder
 ohne sehr sein seine seinem seinen seiner sich sie sind so solche soll sollte sondern
 um und uns unser unsere unter uber viel vom von vor war waren warst was weil welche
 welchem welchen welcher welches wenn wer werde werden wie wieder will wir wird wo wollen
 wurde wurden zu zum zur zwar zwischen warum wann weshalb wieso""",
 "es": """a al algo algunos ante antes como con contra cual cuando de del desde donde durante
 e el ella ellas ellos en entre era eran es esa esas ese eso esos esta estaba estan estar
 este esto estos estas fue fueron ha habia han hasta hay la las le les lo los mas me mi
 mis mucho muy nada ni no nos nosotros o os otra otro otros para pero poco por porque que
 quien se sea ser si sido sin sobre son su sus tambien te tiene tienen todo todos tu tus
 un una uno unos y ya yo cuando cuanto""",
 "it": """a ad agli ai al alla alle allo anche avere aveva c che chi ci come con contro cui da
 dagli dai dal dalla dalle degli dei del dell della delle dello di dove e ed era erano
 essere gli ha hanno ho i il in io l la le lei lo loro lui ma mi mio nei nel nella nelle
 nello noi non o per perche piu quale quando quella quelle quello questa queste questi
 questo se sei si sia siamo sono sta su sua sue sui sul sulla suo suoi tra tu tutti tutto
 un una uno vi voi dove perche""",
 "pt": """a ao aos aquela aquele as ate com como da das de dela dele deles depois do dos e
 ela elas ele eles em entre era eram essa esse esta estao este eu foi foram ha isso isto
 ja lhe mais mas me mesmo meu minha muito na nao nas nem no nos nossa nosso num numa o os
 ou para pela pelas pelo pelos por quando que quem sao se sem ser seu seus sua suas tambem
 te tem tinha um uma voce onde porque""",
 "nl": """aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen
 door dus een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe
 hun iemand iets ik in is ja je kan kon kunnen maar me meer men met mij mijn moet na naar
 niet niets nog nu of om omdat onder ons ook op over reeds te tegen toch toen tot u uit
 uw van veel voor want waren was wat werd wezen wie wil worden wordt zal ze zelf zich zij
 zijn zo zonder zou waarom wanneer waar""",
}
LANGS = ["en", "fr", "de", "es", "it", "pt", "nl"]  # bit i = 1 << (i + 1): enum starts at 1

table = {}
for i, lang in enumerate(LANGS):
    for w in LISTS[lang].split():
        assert w.isascii() and w.islower(), w
        table[w] = table.get(w, 0) | (1 << (i + 1))
print("/* Generated by tools/gen_stopwords.py: do not edit. Sorted by strcmp(). */")
for w in sorted(table):
    print('{"%s", 0x%02x},' % (w, table[w]))
