import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseDirectoryFile } from '#shared/directory/import.ts';
import { readLdif, valuesOf } from '#shared/directory/ldif.ts';
import { directorsFromLdif } from '#shared/directory/ldif-directors.ts';
import { DirectoryFileError } from '#shared/directory/rows.ts';

const SAMPLE = readFileSync(new URL('../fixtures/directory/annuaire-extrait.ldif', import.meta.url));
const ldif = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('readLdif', () => {
  it('reads entries with the line of their dn, skipping comments, the version line and the ldapsearch trailer', () => {
    // Act
    const file = readLdif(SAMPLE);

    // Assess
    expect(file.rejected).toEqual([]);
    expect(file.entries.map((entry) => entry.line)).toEqual([14, 34, 52, 69, 86, 104, 121, 138, 155]);
    expect(file.entries[0]?.dn).toBe('uid=cmartin,ou=personnels EN,ou=ac-dijon,ou=education,o=gouv,c=fr');
  });

  it('joins folded lines and decodes base64 values as UTF-8', () => {
    // Act
    const [martin, , faure] = readLdif(SAMPLE).entries;

    // Assess
    expect(martin && valuesOf(martin, 'FrEduResDel')).toEqual([
      'LSUN|/lsun/|01/09/2025|31/08/2026|uid=ien21dc,ou=personnels EN,ou=ac-dijon,ou=education,o=gouv,c=fr|FrEduRneResp=0211234C$UAJ$PU$N$T1$EEPU$151|ac-dijon|LSUN',
    ]);
    expect(faure && valuesOf(faure, 'givenName')).toEqual(['Hélène']);
    expect(faure && valuesOf(faure, 'cn')).toEqual(['Hélène Faure']);
  });

  it('reads attribute names in any case, options dropped, values in file order', () => {
    // Prepare
    const text = ldif('dn: uid=a,dc=x', 'MAIL: a@ac-dijon.fr', 'cn;lang-fr: Anne', 'mail: b@ac-dijon.fr');

    // Act
    const [entry] = readLdif(text).entries;

    // Assess
    expect(entry && valuesOf(entry, 'mail')).toEqual(['a@ac-dijon.fr', 'b@ac-dijon.fr']);
    expect(entry && valuesOf(entry, 'CN')).toEqual(['Anne']);
  });

  it('reads a Windows-1252 export with its accents', () => {
    // Prepare: an exporter that wrote raw accents in Windows-1252 instead of base64.
    const bytes = iconv.encode(ldif('dn: uid=hfaure,dc=x', 'givenName: Hélène', 'sn: Lefèvre'), 'win1252');

    // Act
    const file = readLdif(bytes);

    // Assess
    expect(file.encoding).toBe('windows-1252');
    expect(file.entries[0] && valuesOf(file.entries[0], 'sn')).toEqual(['Lefèvre']);
  });

  it('refuses change records, URL values and entries without a dn, keeping the others', () => {
    // Prepare
    const text = ldif(
      'dn: uid=a,dc=x',
      'changetype: delete',
      '',
      'uid: b',
      '',
      'dn: uid=c,dc=x',
      'jpegPhoto:< file:///tmp/photo.jpg',
      '',
      'dn: uid=d,dc=x',
      'cn: D',
    );

    // Act
    const file = readLdif(text);

    // Assess
    expect(file.entries.map((entry) => entry.dn)).toEqual(['uid=d,dc=x']);
    expect(file.rejected).toEqual([
      {
        line: 1,
        reason:
          'enregistrement de modification LDIF (changetype: delete) non pris en charge : exportez les entrées elles-mêmes',
      },
      { line: 4, reason: 'entrée LDIF sans « dn: » en tête' },
      { line: 7, reason: 'valeur par URL non prise en charge (attribut jpegphoto)' },
    ]);
  });

  it('refuses a file with no entry at all', () => {
    expect(() => readLdif(ldif('# rien', 'version: 1'))).toThrow(
      'Le fichier LDIF ne contient aucune entrée.',
    );
  });
});

describe('directorsFromLdif', () => {
  it('maps the realistic sample: directors, their schools, addresses and « faisant fonction »', () => {
    // Act
    const read = directorsFromLdif(readLdif(SAMPLE).entries, 'ac-dijon.fr');

    // Assess
    expect(read.ignored).toBe(2);
    expect(read.directors).toEqual([
      {
        lines: [14],
        civility: 'Mme',
        lastName: 'Martin',
        firstName: 'Camille',
        emails: ['camille.martin@ac-dijon.fr'],
        assignments: [{ uai: '0211234C', interim: false }],
      },
      {
        lines: [34],
        civility: 'M.',
        lastName: 'Girard',
        firstName: 'Julien',
        emails: ['julien.girard@ac-dijon.fr', 'j.girard@ac-dijon.fr'],
        assignments: [{ uai: '0210101W', interim: false }],
      },
      {
        lines: [52],
        civility: 'Mme',
        lastName: 'Faure',
        firstName: 'Hélène',
        emails: ['helene.faure@ac-dijon.fr'],
        assignments: [{ uai: '0580203F', interim: true }],
      },
      {
        lines: [69],
        civility: 'M.',
        lastName: 'Bidault',
        firstName: 'Loïc',
        emails: ['loic.bidault@ac-dijon.fr'],
        assignments: [{ uai: '0711304G', interim: false }],
      },
      {
        lines: [86],
        civility: 'Mme',
        lastName: 'Pernot',
        firstName: 'Agnès',
        emails: ['agnes.pernot@ac-dijon.fr'],
        assignments: [
          { uai: '0891405U', interim: false },
          { uai: '0891406V', interim: false },
        ],
      },
    ]);
    expect(read.rejected).toEqual([
      { line: 138, reason: 'école 0891406W : UAI invalide (lettre de contrôle attendue : V)' },
      { line: 155, reason: 'adresse non académique (@ac-dijon.fr attendu) : anne.leroy@gmail.com' },
    ]);
  });

  it('refuses an entry without a school or a name, saying which attribute is missing', () => {
    // Prepare
    const text = ldif('dn: uid=x,dc=x', 'FrEduFonctAdm: DIR', 'mail: x@ac-dijon.fr', 'FrEduRneResp: X');

    // Act
    const read = directorsFromLdif(readLdif(text).entries, 'ac-dijon.fr');

    // Assess
    expect(read.rejected).toEqual([
      {
        line: 1,
        reason:
          'nom (sn) manquant ; prénom (givenName) manquant ; aucune école : ni FrEduRneResp, ni FrEduRne de fonction DIR',
      },
    ]);
  });

  it('refuses both entries when two of them carry the same address', () => {
    // Prepare
    const entry = (uid: string, uai: string) => [
      `dn: uid=${uid},dc=x`,
      'FrEduFonctAdm: DIR',
      `sn: ${uid}`,
      'givenName: A',
      'mail: partagee@ac-dijon.fr',
      `FrEduRneResp: ${uai}`,
      '',
    ];
    const text = ldif(...entry('un', '0211234C'), ...entry('deux', '0580203F'));

    // Act
    const read = directorsFromLdif(readLdif(text).entries, 'ac-dijon.fr');

    // Assess
    expect(read.directors).toEqual([]);
    expect(read.rejected.map((rejected) => rejected.line)).toEqual([1, 8]);
    expect(read.rejected[0]?.reason).toBe(
      'adresse partagee@ac-dijon.fr présente dans plusieurs entrées (lignes 1, 8)',
    );
  });
});

describe('detectFormat', () => {
  it('takes an explicit format, then the file name, then the content type, then the content', () => {
    expect(detectFormat('uai;ecole', { format: 'ldif' })).toBe('ldif');
    expect(detectFormat('dn: x', { fileName: 'export.CSV' })).toBe('csv');
    expect(detectFormat('uai;ecole', { contentType: 'text/x-ldif; charset=utf-8' })).toBe('ldif');
    expect(detectFormat(SAMPLE)).toBe('ldif');
    expect(detectFormat('\uFEFFuai;ecole;commune')).toBe('csv');
  });
});

describe('parseDirectoryFile', () => {
  it('reads an LDIF file into directors without school descriptions', () => {
    // Act
    const parsed = parseDirectoryFile(SAMPLE, { fileName: 'annuaire.ldif' });

    // Assess
    expect(parsed).toMatchObject({
      format: 'ldif',
      encoding: 'utf-8',
      recordsRead: 9,
      ignored: 2,
      schools: [],
    });
    expect(parsed.directors).toHaveLength(5);
    expect(parsed.rejected.map((rejected) => rejected.line)).toEqual([138, 155]);
  });

  it('turns an LDIF file with no entry into a file error', () => {
    expect(() => parseDirectoryFile('version: 1\n', { format: 'ldif' })).toThrow(DirectoryFileError);
  });
});
