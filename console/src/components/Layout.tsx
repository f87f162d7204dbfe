/** The frame of every page: skip links, the DSFR header with the main menu, the content, the footer. */
import { Footer } from '@codegouvfr/react-dsfr/Footer';
import { Header } from '@codegouvfr/react-dsfr/Header';
import { SkipLinks } from '@codegouvfr/react-dsfr/SkipLinks';
import type { ReactNode } from 'react';
import { useLocation } from '../router.tsx';

export type LayoutUser = { email: string; onSignOut: () => void };

const BRAND_TOP = (
  <>
    Académie
    <br />
    de Dijon
  </>
);

const sections = [
  { text: 'Tableau de bord', href: '/', matches: (path: string) => path === '/' },
  { text: 'Tickets', href: '/tickets', matches: (path: string) => path.startsWith('/tickets') },
  {
    text: 'Journal des courriels',
    href: '/courriels',
    matches: (path: string) => path.startsWith('/courriels'),
  },
  { text: 'Annuaire', href: '/annuaire', matches: (path: string) => path.startsWith('/annuaire') },
  { text: 'Diffusions', href: '/diffusions', matches: (path: string) => path.startsWith('/diffusions') },
  {
    text: 'Base de connaissances',
    href: '/base-de-connaissances',
    matches: (path: string) => path.startsWith('/base-de-connaissances'),
  },
  {
    text: 'Réponses types',
    href: '/reponses-types',
    matches: (path: string) => path.startsWith('/reponses-types'),
  },
];

/** `user` undefined: the sign-in and error pages, without the menu. */
export function Layout({ user, children }: { user?: LayoutUser; children: ReactNode }) {
  const { path } = useLocation();
  return (
    <>
      <SkipLinks
        links={[
          { label: 'Contenu', anchor: '#contenu' },
          ...(user ? [{ label: 'Menu', anchor: '#en-tete-main-navigation' }] : []),
          { label: 'Pied de page', anchor: '#pied-de-page' },
        ]}
      />
      <Header
        id="en-tete"
        brandTop={BRAND_TOP}
        serviceTitle="Assistance LSUN"
        serviceTagline="Console du personnel de l’assistance du 1er degré"
        homeLinkProps={{ href: '/', title: 'Accueil — Assistance LSUN' }}
        quickAccessItems={
          user
            ? [
                {
                  iconId: 'fr-icon-account-circle-line',
                  text: user.email,
                  linkProps: { href: '/compte' },
                },
                {
                  iconId: 'fr-icon-logout-box-r-line',
                  text: 'Se déconnecter',
                  buttonProps: { onClick: user.onSignOut, type: 'button' },
                },
              ]
            : []
        }
        navigation={
          user
            ? sections.map((section) => ({
                text: section.text,
                linkProps: { href: section.href },
                isActive: section.matches(path),
              }))
            : undefined
        }
      />
      <main id="contenu" tabIndex={-1} className="fr-container fr-py-4w lsun-main">
        {children}
      </main>
      <Footer
        id="pied-de-page"
        brandTop={BRAND_TOP}
        homeLinkProps={{ href: '/', title: 'Accueil — Assistance LSUN' }}
        accessibility="partially compliant"
        accessibilityLinkProps={{ href: '/accessibilite' }}
        license="Console interne de l’académie de Dijon, réservée au personnel de l’assistance."
        contentDescription="Console interne de l’assistance LSUN du 1er degré de l’académie de Dijon : demandes des directeurs et directrices d’école reçues par courriel, tickets, annuaire."
        bottomItems={user ? [{ text: 'Mon compte', linkProps: { href: '/compte' } }] : []}
        domains={[]}
      />
    </>
  );
}
