import { count } from '../format';
import type { Profile } from '../queries';
import { Empty, Panel } from './Panel';

/** The products bought most often, across both channels. */
export function Favourites({ products }: { products: Profile['favouriteProducts'] }) {
  const max = Math.max(1, ...products.map((p) => p.purchases));
  return (
    <Panel id="favourites" title="Favourite products" icon="star" class="area-favourites" changeKey={JSON.stringify(products)}>
      {products.length === 0 ? (
        <Empty icon="bag">No purchases yet.</Empty>
      ) : (
        <ol class="ranking">
          {products.map((p, i) => (
            <li key={p.productName} class="ranking__row" data-product={p.productName}>
              <span class="ranking__rank" aria-hidden="true">
                {i + 1}
              </span>
              <span class="ranking__name" data-field="productName">
                {p.productName}
              </span>
              <span class="ranking__bar" aria-hidden="true">
                <span style={{ width: `${(p.purchases / max) * 100}%` }} />
              </span>
              <span class="ranking__value" data-field="purchases">
                {count(p.purchases)}
                <span class="visually-hidden"> purchases</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
