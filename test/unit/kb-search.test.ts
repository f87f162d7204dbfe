import { describe, expect, it } from 'vitest';
import { ArticleIndex, KbIndexError, readQuestion, type SearchableArticle } from '#shared/kb/search.ts';

/** A searchable article with defaults: published, public, LSUN. */
function article(
  id: string,
  fields: Partial<SearchableArticle> & Pick<SearchableArticle, 'title'>,
): SearchableArticle {
  return {
    id,
    symptom: 'Un directeur signale une difficulté.',
    solution: 'Suivez la procédure décrite.',
    tags: [],
    application: 'LSUN',
    visibility: 'public',
    status: 'published',
    updatedAt: '2026-09-01T08:00:00.000Z',
    ...fields,
  };
}

const CATALOGUE: SearchableArticle[] = [
  article('1', {
    title: 'Bulletins périodiques : saisir les appréciations',
    symptom: 'Les enseignants ne trouvent pas où saisir les appréciations de la période.',
    solution: 'Ouvrez **Saisie > Bilans périodiques**, choisissez la classe et la période.',
    tags: ['bulletins', 'saisie'],
  }),
  article('2', {
    title: 'Export des livrets en PDF',
    symptom: "L'édition des livrets d'une classe ne démarre pas.",
    solution: 'Lancez l’édition depuis **Éditions > Livrets**, puis téléchargez le fichier.',
    tags: ['pdf', 'impression'],
  }),
  article('3', {
    title: 'Se connecter par le portail ARENA',
    symptom: 'Identifiant refusé, code OTP demandé hors de l’école.',
    solution: 'Saisissez votre identifiant académique et le code de votre clé OTP.',
    tags: ['connexion', 'arena'],
    visibility: 'internal',
  }),
  article('4', {
    title: 'Synchronisation des élèves depuis ONDE',
    symptom: 'Un élève changé de classe dans ONDE ne l’est pas encore dans LSU.',
    solution: 'Les changements arrivent la nuit suivante.',
    tags: ['onde', 'synchronisation'],
    status: 'draft',
  }),
];

describe('ArticleIndex.search', () => {
  it('finds « Bulletins périodiques » for « bulletin periodique » (plural, accents)', () => {
    // Prepare
    const index = ArticleIndex.build(CATALOGUE);

    // Act
    const hits = index.search('bulletin periodique');

    // Assess
    expect(hits[0]?.id).toBe('1');
  });

  it('finds « export » for « exporter », and « édition » for « EDITION »', () => {
    const index = ArticleIndex.build(CATALOGUE);

    expect(index.search('exporter')[0]?.id).toBe('2');
    expect(index.search('EDITION')[0]?.id).toBe('2');
  });

  it('finds a word by its beginning and despite one typo', () => {
    const index = ArticleIndex.build(CATALOGUE);

    expect(index.search('synchro')[0]?.id).toBe('4');
    expect(index.search('buletins')[0]?.id).toBe('1');
  });

  it('finds nothing for a blank query or for stop words alone', () => {
    const index = ArticleIndex.build(CATALOGUE);

    expect(index.search('')).toEqual([]);
    expect(index.search('   ')).toEqual([]);
    expect(index.search('le la les de des')).toEqual([]);
  });

  it('returns the stored fields and a score, best first', () => {
    const index = ArticleIndex.build(CATALOGUE);

    const hits = index.search('livrets');

    expect(hits[0]).toEqual({
      id: '2',
      title: 'Export des livrets en PDF',
      tags: ['pdf', 'impression'],
      application: 'LSUN',
      visibility: 'public',
      status: 'published',
      updatedAt: '2026-09-01T08:00:00.000Z',
      score: expect.any(Number),
    });
    const scores = hits.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('keeps only the hits the filter accepts, before the limit', () => {
    // Prepare: « saisir », « identifiant » and « élève » are in articles 1, 3 (internal) and 4 (draft)
    const index = ArticleIndex.build(CATALOGUE);

    // Act
    const all = index.search('saisir identifiant élève');
    const published = index.search('saisir identifiant élève', {
      filter: (hit) => hit.status === 'published' && hit.visibility === 'public',
      limit: 1,
    });

    // Assess
    expect(all.map((hit) => hit.id).sort()).toEqual(['1', '3', '4']);
    expect(published.map((hit) => hit.id)).toEqual(['1']);
  });

  it('stops at the limit', () => {
    const index = ArticleIndex.build(CATALOGUE);

    expect(index.search('élèves livrets bulletins identifiant', { limit: 2 })).toHaveLength(2);
  });
});

describe('ArticleIndex.toJSON and load', () => {
  it('loads what it saved: same size, same answers', () => {
    // Prepare
    const built = ArticleIndex.build(CATALOGUE);

    // Act
    const loaded = ArticleIndex.load(built.toJSON());

    // Assess
    expect(loaded.size).toBe(4);
    expect(loaded.search('bulletin periodique')).toEqual(built.search('bulletin periodique'));
    expect(loaded.suggest('Export PDF\nComment exporter les livrets en PDF ?')).toEqual(
      built.suggest('Export PDF\nComment exporter les livrets en PDF ?'),
    );
  });

  it('saves and loads an empty index', () => {
    const loaded = ArticleIndex.load(ArticleIndex.build([]).toJSON());

    expect(loaded.size).toBe(0);
    expect(loaded.search('bulletin')).toEqual([]);
    expect(loaded.suggest('Bulletins\nOù saisir les bulletins ?')).toEqual([]);
  });

  it.each([
    ['text that is not JSON', '{"format": "assistance-lsun/kb-index", '],
    ['JSON of another kind', '{"documentCount": 3}'],
    ['another version of the format', '{"format": "assistance-lsun/kb-index", "version": 99, "index": {}}'],
    [
      'an index whose inside is damaged',
      '{"format": "assistance-lsun/kb-index", "version": 1, "index": {"documentCount": 1}}',
    ],
    ['null', 'null'],
  ])('throws a KbIndexError for %s', (_label, json) => {
    // Act
    const load = () => ArticleIndex.load(json);

    // Assess
    expect(load).toThrow(KbIndexError);
    expect(load).toThrow(/index de recherche/);
  });

  it('keeps the cause of a corrupt index', () => {
    try {
      ArticleIndex.load('not json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KbIndexError);
      expect((error as KbIndexError).name).toBe('KbIndexError');
      expect((error as KbIndexError).cause).toBeInstanceOf(SyntaxError);
    }
  });
});

describe('ArticleIndex.suggest', () => {
  const publicIndex = () =>
    ArticleIndex.build(CATALOGUE.filter((a) => a.visibility === 'public' && a.status === 'published'));

  it('suggests the article that answers a whole mail, greetings, signature and quoted reply included', () => {
    // Prepare
    const mail = [
      'Re: impression des livrets',
      'Bonjour,',
      'Je voudrais exporter en PDF les livrets de ma classe pour les imprimer.',
      'Cordialement,',
      'Claire Martin, directrice de l’école élémentaire Les Tilleuls',
      'Le 12/11/2026 à 09:14, assistance1d@ac-dijon.fr a écrit :',
      '> Bonjour, votre demande sur les bulletins périodiques et les appréciations est enregistrée.',
    ].join('\n');

    // Act
    const hits = publicIndex().suggest(mail);

    // Assess
    expect(hits.map((hit) => hit.id)).toEqual(['2']);
    expect(hits[0]?.score).toBeGreaterThan(0);
    expect(hits[0]?.score).toBeLessThanOrEqual(1);
  });

  it('suggests nothing for an off-topic mail', () => {
    const mail =
      "Imprimante en panne\nBonjour,\nL'imprimante de la salle des maîtres affiche un bourrage papier en permanence. Qui dois-je contacter ?\nCordialement\nLe directeur";

    expect(publicIndex().suggest(mail)).toEqual([]);
  });

  it('suggests nothing for a mail of greetings only, or an empty one', () => {
    expect(publicIndex().suggest('Bonjour\nBonjour madame, merci beaucoup.\nCordialement')).toEqual([]);
    expect(publicIndex().suggest('')).toEqual([]);
  });

  it('suggests at most `limit` articles, and only those the filter accepts', () => {
    // Prepare: a mail about both public articles
    const mail =
      'Bulletins et export\nOù saisir les appréciations des bulletins périodiques, et comment exporter les livrets en PDF ?';
    const index = publicIndex();

    // Act
    const one = index.suggest(mail, { limit: 1 });
    const filtered = index.suggest(mail, { filter: (hit) => hit.id !== '1' });

    // Assess
    expect(one).toHaveLength(1);
    expect(filtered.map((hit) => hit.id)).not.toContain('1');
  });
});

describe('readQuestion', () => {
  it('keeps the question words of the subject and the body, without courtesy, signature or quoted reply', () => {
    // Act
    const { words, subjectTerms } = readQuestion(
      [
        'RE: TR: Bulletins',
        'Bonjour Madame,',
        "Où saisir l'appréciation générale ?",
        'Merci d’avance',
        'Jean Dupont, directeur',
        '> Votre demande sur le savoir-nager est enregistrée.',
      ].join('\n'),
    );

    // Assess
    expect(words).toEqual(['bulletins', 'saisir', 'appreciation', 'generale']);
    expect([...subjectTerms]).toEqual(['bulletin']);
  });
});
