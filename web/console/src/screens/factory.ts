import { lazy } from 'react';
import { roleIs, type ScreenDefinition } from './screen-definition';

const ProductsScreen = lazy(() => import('./factory/products-screen').then((m) => ({ default: m.ProductsScreen })));
const ProductRegisterScreen = lazy(() =>
  import('./factory/product-register-screen').then((m) => ({ default: m.ProductRegisterScreen })),
);
const ProductScreen = lazy(() => import('./factory/product-screen').then((m) => ({ default: m.ProductScreen })));
const CounterfeitReportsScreen = lazy(() =>
  import('./factory/counterfeit-reports-screen').then((m) => ({ default: m.CounterfeitReportsScreen })),
);

/** The factory screens, each loaded on demand (React.lazy). */
export const FACTORY_SCREENS: readonly ScreenDefinition[] = [
  { path: '/products', labelKey: 'factory.products.menu', area: 'factory', allows: roleIs('factory'), Screen: ProductsScreen },
  {
    path: '/products/new',
    labelKey: 'factory.products.register',
    area: 'factory',
    hidden: true,
    allows: roleIs('factory'),
    Screen: ProductRegisterScreen,
  },
  {
    path: '/products/:gtin',
    labelKey: 'factory.products.title',
    area: 'factory',
    hidden: true,
    allows: roleIs('factory'),
    Screen: ProductScreen,
  },
  {
    path: '/factory/reports',
    area: 'factory',
    labelKey: 'factory.reports.title',
    allows: roleIs('factory'),
    Screen: CounterfeitReportsScreen,
  },
  {
    path: '/lots',
    labelKey: 'factory.lots.menu',
    area: 'factory',
    allows: roleIs('factory'),
    Screen: lazy(() => import('./factory/lots-screen').then((m) => ({ default: m.LotsScreen }))),
  },
];
